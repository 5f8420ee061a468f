package tech.onceonly.engine.governance;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.Internal;
import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.LeaseKeeper;
import tech.onceonly.client.OutcomeUnknownException;
import tech.onceonly.client.ResultNotSerializableException;
import tech.onceonly.client.ResultObjects;
import tech.onceonly.client.StaleLeaseException;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.client.ValidationException;
import tech.onceonly.signing.ToolSignatures;
import tech.onceonly.store.AgentState;
import tech.onceonly.store.AuditRecord;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.ReserveOutcome;
import tech.onceonly.store.ToolRecord;
import tech.onceonly.store.UsageLimits;
import tech.onceonly.store.UsageRequest;

/**
 * The governed tool-call pipeline, in this order: (1) a disabled agent is blocked with
 * {@code agent_disabled}; (2) a tool outside a non-empty {@code allowed_tools} is blocked
 * with {@code tool_not_in_allowed_list}, one in {@code blocked_tools} with
 * {@code tool_explicitly_blocked}; (3) the action and its spend are reserved atomically
 * against {@code max_actions_per_hour}, {@code max_calls_per_tool} and
 * {@code max_spend_usd_per_day} (UTC calendar hour and day), or blocked with the matching
 * {@code …_exceeded}; (4) an identical call (same agent, tool and canonical arguments,
 * {@code run_id} included) within the dedup window is answered {@code dedup} /
 * {@code tool_idempotency} with the first execution's result, and a concurrent one waits
 * for it; (5) the tool runs: {@code executed} / {@code ok}, or {@code executed} /
 * {@code tool_error} with {@code ok=false} when it fails, in which case the reservation
 * is given back and an identical call may run again. Every decision is one audit record,
 * stamped with the store time at which the call was decided.
 * <p>
 * Under faults: the dedup lease is heartbeated while the tool runs (path
 * {@code tool_call}), and a lost lease is reported. Once the tool has returned, its claim
 * is never released and its spend never given back: recording the result is retried while
 * the lease is held; a result that cannot be serialised is recorded as failed
 * ({@code executed} / {@code result_not_serializable}, {@code ok=false}); a result that
 * could not be recorded before the lease was lost is an {@link OutcomeUnknownException}
 * (audited as {@code executed} / {@code outcome_unknown}). An identical call that waits
 * on a claim whose lease expired (its caller died) takes it over and runs the tool.
 */
@Internal
public final class ToolCallPipeline {

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	/** The key prefix of dedup leases (after the engine's namespace). */
	static final String DEDUP_PREFIX = "gov:dedup:";

	/** The {@link LeaseEvents} path of dedup leases. */
	static final String TOOL_CALL_PATH = "tool_call";

	private final GovernanceStore store;

	private final OnceOnlyStore leases;

	private final String namespace;

	private final LocalTools localTools;

	private final RegisteredTools registry;

	private final HttpToolInvoker http;

	private final PolicyCache policies;

	private final JsonMapper json;

	private final JsonMapper canonical;

	private final GovernanceSettings settings;

	private final LongSupplier nanoTime;

	private final Heartbeats heartbeats;

	private final LeaseEvents events;

	ToolCallPipeline(GovernanceStore store, OnceOnlyStore leases, String namespace, LocalTools localTools,
			RegisteredTools registry, HttpToolInvoker http, PolicyCache policies, JsonMapper json, JsonMapper canonical,
			GovernanceSettings settings, LongSupplier nanoTime, Heartbeats heartbeats, LeaseEvents events) {
		this.store = store;
		this.leases = leases;
		this.namespace = namespace;
		this.localTools = localTools;
		this.registry = registry;
		this.http = http;
		this.policies = policies;
		this.json = json;
		this.canonical = canonical;
		this.settings = settings;
		this.nanoTime = nanoTime;
		this.heartbeats = heartbeats;
		this.events = events;
	}

	/**
	 * Decides and, when allowed, executes a call to a local or registered tool.
	 * @throws IllegalArgumentException when the agent or tool is missing
	 * @throws ValidationException when the spend is invalid
	 * @throws tech.onceonly.client.ApiException {@code tool_not_found} when the tool is
	 * allowed but neither a local tool nor an enabled registered tool
	 * @throws OutcomeUnknownException when the tool ran but its outcome could not be
	 * recorded for identical calls before the dedup lease was lost (audited as
	 * {@code executed} / {@code outcome_unknown}, the spend kept, the claim not released)
	 */
	public ToolCallOutcome call(ToolCallRequest call) {
		return call(call, null, null, null);
	}

	/**
	 * Decides and, when allowed, executes a call with {@code inline} as the tool (a
	 * governed Java method).
	 * @param riskLevel the inline tool's risk level, {@code null} for the default of its
	 * name
	 * @throws OutcomeUnknownException as {@link #call(ToolCallRequest)}
	 */
	public ToolCallOutcome call(ToolCallRequest call, @Nullable ToolHandler inline, @Nullable String riskLevel) {
		return call(call, inline, riskLevel, null);
	}

	/**
	 * Decides and, when allowed, executes a call whose dedup lease lasts at most
	 * {@code maxLeaseTtl} without a heartbeat (a server-side run's step: the claim of a
	 * run that died expires no later than the run's own lease).
	 */
	ToolCallOutcome call(ToolCallRequest call, @Nullable ToolHandler inline, @Nullable String riskLevel,
			@Nullable Duration maxLeaseTtl) {
		Call c = prepare(call);
		Target target = resolve(c, inline, riskLevel);
		String risk = (target != null) ? target.riskLevel : RiskLevels.defaultFor(c.tool);
		Instant now = this.store.now();
		Gate gate = gate(c, now, risk, target);
		if (gate.blocked != null) {
			return gate.blocked;
		}
		UsageRequest usage = java.util.Objects.requireNonNull(gate.usage);
		Target allowed = java.util.Objects.requireNonNull(target);
		if (this.settings.dedupWindow().isZero()) {
			return execute(c, now, allowed, risk, usage, null);
		}
		Duration ttl = this.settings.toolLeaseTtl();
		if (maxLeaseTtl != null && maxLeaseTtl.compareTo(ttl) < 0 && !maxLeaseTtl.isNegative()
				&& !maxLeaseTtl.isZero()) {
			ttl = maxLeaseTtl;
		}
		String leaseKey = this.namespace + DEDUP_PREFIX + c.idempotencyKey;
		Claim claim;
		try {
			claim = claim(leaseKey, ttl);
		}
		catch (RuntimeException ex) {
			giveBack(usage, null, ex);
			throw ex;
		}
		if (claim.result.outcome() == LeaseResult.Outcome.ACQUIRED) {
			Dedup dedup;
			try {
				dedup = hold(c, leaseKey, claim, ttl);
			}
			catch (RuntimeException ex) {
				// the tool did not start: nothing to keep
				String leaseId = claim.result.record().leaseId();
				giveBack(usage, null, ex);
				try {
					if (leaseId != null) {
						this.leases.cancelLease(leaseKey, leaseId);
					}
				}
				catch (RuntimeException cancelFailure) {
					ex.addSuppressed(cancelFailure);
				}
				throw ex;
			}
			return execute(c, now, allowed, risk, usage, dedup);
		}
		return replay(c, now, risk, usage, claim);
	}

	/**
	 * Steps (1) to (3): the kill switch, the lists, and the atomic reservation of the
	 * action and its spend.
	 * @return the blocked answer, or the reservation made
	 */
	private Gate gate(Call c, Instant now, String risk, @Nullable Target target) {
		AgentState agent = this.store.getAgent(c.agentId);
		if (!agent.enabled()) {
			return new Gate(blocked(c, now, risk, "agent_disabled", "agent is disabled"), null);
		}
		PolicyRules rules = this.policies.rules(c.agentId);
		if (!rules.allowedTools().isEmpty() && !rules.allowedTools().contains(c.tool)) {
			return new Gate(blocked(c, now, risk, "tool_not_in_allowed_list", "tool is not allowed for this agent"),
					null);
		}
		if (rules.blockedTools().contains(c.tool)) {
			return new Gate(blocked(c, now, risk, "tool_explicitly_blocked", "tool is blocked for this agent"), null);
		}
		if (target == null) {
			throw RegisteredTools.notFound(c.tool, "agent:" + c.agentId + " or " + RegisteredTools.GLOBAL);
		}
		long spend = (c.spendMicros != null) ? c.spendMicros : priceOf(rules, c.tool);
		UsageRequest usage = usage(c, now, spend, rules);
		ReserveOutcome reserved = this.store.reserve(usage);
		switch (reserved) {
			case MAX_ACTIONS_PER_HOUR_EXCEEDED:
				return new Gate(blocked(c, now, risk, "max_actions_per_hour_exceeded", "hourly action limit reached"),
						null);
			case MAX_CALLS_PER_TOOL_EXCEEDED:
				return new Gate(
						blocked(c, now, risk, "max_calls_per_tool_exceeded", "daily call limit for this tool reached"),
						null);
			case MAX_SPEND_USD_PER_DAY_EXCEEDED:
				return new Gate(blocked(c, now, risk, "max_spend_usd_per_day_exceeded", "daily spend limit reached"),
						null);
			default:
				return new Gate(null, usage);
		}
	}

	/**
	 * Step (4): an identical call holds or held the claim: the reservation is given back
	 * and the first call's outcome is the answer.
	 */
	private ToolCallOutcome replay(Call c, Instant now, String risk, UsageRequest usage, Claim claim) {
		this.store.release(usage);
		LeaseRecord first = claim.result.record();
		boolean settled = first.state().isTerminal();
		boolean failed = first.state() == LeaseState.FAILED;
		Map<String, Object> result;
		if (failed) {
			result = new LinkedHashMap<>();
			result.put("error", first.errorCode());
			result.put("message", "the first identical call failed");
		}
		else {
			result = settled && first.resultJson() != null ? this.json.readValue(first.resultJson(), MAP) : null;
		}
		audit(c, now, "dedup", "tool_idempotency", risk, 0);
		Map<String, Object> raw = answer(settled && !failed, true, "dedup", "tool_idempotency", risk, result, c, 0);
		if (!settled) {
			raw.put("message", "an identical call is still in progress");
		}
		else if (failed) {
			raw.put("message", "an identical call failed: " + first.errorCode());
		}
		return new ToolCallOutcome(AiToolResult.fromRaw(raw), false, null, null);
	}

	/**
	 * Decides a call to a tool that the caller runs itself, elsewhere (an in-process tool
	 * of a remote client), without running it: the same steps (1) to (4) as
	 * {@link #call(ToolCallRequest, ToolHandler, String)}. When the call may run, the
	 * action and spend stay reserved and the dedup claim is held for {@code claimTtl} (no
	 * heartbeats: the claim of a caller that never reports expires, and an identical call
	 * then takes it over) until {@link #complete} or {@link #fail} is given the
	 * {@link PendingToolCall}.
	 * @param riskLevel the tool's risk level, {@code null} for the default of its name
	 * @param claimTtl how long the dedup claim is held without an outcome
	 */
	public ToolDecision decide(ToolCallRequest call, @Nullable String riskLevel, Duration claimTtl) {
		if (claimTtl.isNegative() || claimTtl.isZero()) {
			throw new IllegalArgumentException("claimTtl must be positive");
		}
		Call c = prepare(call);
		String risk = RiskLevels.resolve(riskLevel, c.tool);
		Target target = new Target(risk, null, null);
		Instant now = this.store.now();
		Gate gate = gate(c, now, risk, target);
		if (gate.blocked != null) {
			return new ToolDecision(gate.blocked, null);
		}
		UsageRequest usage = java.util.Objects.requireNonNull(gate.usage);
		if (this.settings.dedupWindow().isZero()) {
			return new ToolDecision(null, new PendingToolCall(c.agentId, c.tool, c.args, c.runId, c.argsHash,
					c.idempotencyKey, now, risk, usage, null, null));
		}
		String leaseKey = this.namespace + DEDUP_PREFIX + c.idempotencyKey;
		Claim claim;
		try {
			claim = claim(leaseKey, claimTtl);
		}
		catch (RuntimeException ex) {
			giveBack(usage, null, ex);
			throw ex;
		}
		if (claim.result.outcome() == LeaseResult.Outcome.ACQUIRED) {
			String leaseId = java.util.Objects.requireNonNull(claim.result.record().leaseId(), "lease_id");
			return new ToolDecision(null, new PendingToolCall(c.agentId, c.tool, c.args, c.runId, c.argsHash,
					c.idempotencyKey, now, risk, usage, leaseKey, leaseId));
		}
		return new ToolDecision(replay(c, now, risk, usage, claim), null);
	}

	/**
	 * Step (5) of a decided call whose tool returned {@code value}: the claim is
	 * completed with the result (replayed to identical calls for the dedup window) and
	 * the spend stays charged; a value that cannot be serialised is recorded as
	 * {@code result_not_serializable}.
	 * @throws OutcomeUnknownException when the claim was lost (it expired and was not
	 * settled by anyone), or the store failed: the spend stays charged
	 */
	public ToolCallOutcome complete(PendingToolCall pending, @Nullable Object value) {
		Call c = pending.call();
		Map<String, Object> result;
		String resultJson;
		try {
			result = ResultObjects.toResultObject(value, this.json);
			resultJson = (result != null) ? this.json.writeValueAsString(result) : null;
		}
		catch (RuntimeException ex) {
			String code = ResultNotSerializableException.ERROR_CODE;
			settle(pending, (leaseKey, leaseId) -> this.leases.failLease(leaseKey, leaseId, code, null,
					this.settings.dedupWindow()));
			audit(c, pending.decidedAt(), "executed", code, pending.riskLevel(), pending.usage().spendMicros());
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("error", code);
			detail.put("message", "the tool ran, but its result cannot be serialised to JSON");
			Map<String, Object> raw = answer(false, true, "executed", code, pending.riskLevel(), detail, c,
					pending.usage().spendMicros());
			raw.put("message", "tool result cannot be serialised");
			return new ToolCallOutcome(AiToolResult.fromRaw(raw), true, value,
					new ResultNotSerializableException(DEDUP_PREFIX + c.idempotencyKey, ex));
		}
		settle(pending, (leaseKey, leaseId) -> this.leases.completeLease(leaseKey, leaseId, resultJson, null,
				this.settings.dedupWindow()));
		audit(c, pending.decidedAt(), "executed", "ok", pending.riskLevel(), pending.usage().spendMicros());
		Map<String, Object> raw = answer(true, true, "executed", "ok", pending.riskLevel(), result, c,
				pending.usage().spendMicros());
		return new ToolCallOutcome(AiToolResult.fromRaw(raw), true, value, null);
	}

	/**
	 * Step (5) of a decided call whose tool threw: as in the local pipeline, the
	 * reservation is given back and the claim released, so an identical call may run
	 * again; audited {@code executed} / {@code tool_error}.
	 * @param message what the tool's failure said
	 */
	public ToolCallOutcome fail(PendingToolCall pending, String message) {
		Call c = pending.call();
		IllegalStateException failure = new IllegalStateException(message);
		try {
			this.store.release(pending.usage());
		}
		catch (RuntimeException ex) {
			failure.addSuppressed(ex);
		}
		if (pending.leaseKey() != null && pending.leaseId() != null) {
			try {
				this.leases.cancelLease(pending.leaseKey(), pending.leaseId());
			}
			catch (RuntimeException ex) {
				failure.addSuppressed(ex);
			}
		}
		audit(c, pending.decidedAt(), "executed", "tool_error", pending.riskLevel(), 0);
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("error", "tool_error");
		error.put("message", message);
		Map<String, Object> raw = answer(false, true, "executed", "tool_error", pending.riskLevel(), error, c, 0);
		raw.put("message", "tool failed");
		return new ToolCallOutcome(AiToolResult.fromRaw(raw), true, null, failure);
	}

	/**
	 * Records a decided call's outcome on its claim. A refusal because the claim is no
	 * longer held counts as recorded when the key is terminal (an earlier attempt whose
	 * answer was lost recorded it).
	 */
	private void settle(PendingToolCall pending, BiFunction<String, String, @Nullable Instant> attempt) {
		String leaseKey = pending.leaseKey();
		String leaseId = pending.leaseId();
		if (leaseKey == null || leaseId == null) {
			return;
		}
		String eventKey = DEDUP_PREFIX + pending.idempotencyKey();
		try {
			if (attempt.apply(leaseKey, leaseId) != null) {
				return;
			}
			LeaseRecord now = this.leases.getLease(leaseKey);
			if (now != null && now.state().isTerminal()) {
				return;
			}
		}
		catch (RuntimeException ex) {
			throw auditUnknown(pending.call(), pending.decidedAt(), pending.riskLevel(), pending.usage(),
					new OutcomeUnknownException(eventKey, ex));
		}
		throw auditUnknown(pending.call(), pending.decidedAt(), pending.riskLevel(), pending.usage(),
				new OutcomeUnknownException(eventKey, new StaleLeaseException(eventKey)));
	}

	private Call prepare(ToolCallRequest call) {
		if (call.agentId() == null || call.agentId().isBlank() || call.tool() == null || call.tool().isBlank()) {
			throw new IllegalArgumentException("ai.run requires key=... OR agent_id=... and tool=...");
		}
		if (call.agentId().length() > 256 || call.tool().length() > 256) {
			throw new ValidationException("agent_id and tool must be at most 256 characters");
		}
		Map<String, Object> args = (call.args() != null) ? new LinkedHashMap<>(call.args()) : new LinkedHashMap<>();
		String runId = call.runId();
		if (runId != null) {
			runId = runId.trim();
			if (runId.isEmpty()) {
				throw new IllegalArgumentException("run_id must not be empty");
			}
		}
		Map<String, Object> digested = new LinkedHashMap<>(args);
		if (runId != null) {
			digested.put("run_id", runId);
		}
		String argsHash = ToolSignatures
			.sha256(this.canonical.writeValueAsBytes(this.canonical.convertValue(digested, Object.class)));
		String idempotencyKey = ToolSignatures.sha256((call.agentId() + '\u0000' + call.tool() + '\u0000' + argsHash)
			.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		Long spend = (call.spendUsd() != null) ? Money.toMicros(call.spendUsd(), "spend_usd") : null;
		return new Call(call.agentId(), call.tool(), args, runId, argsHash, idempotencyKey, spend);
	}

	private @Nullable Target resolve(Call c, @Nullable ToolHandler inline, @Nullable String riskLevel) {
		if (inline != null) {
			return new Target(RiskLevels.resolve(riskLevel, c.tool), inline, null);
		}
		LocalTools.Entry local = this.localTools.get(c.tool);
		if (local != null) {
			return new Target(local.riskLevel(), local.handler(), null);
		}
		ToolRecord registered = this.registry.resolve(c.agentId, c.tool);
		if (registered == null || !registered.enabled()) {
			return null;
		}
		return new Target(RiskLevels.resolve(registered.riskLevel(), c.tool), null, registered);
	}

	private static long priceOf(PolicyRules rules, String tool) {
		Long price = rules.priceMicros(tool);
		return (price != null) ? price : 0;
	}

	private static UsageRequest usage(Call c, Instant now, long spend, PolicyRules rules) {
		Long perTool = rules.maxCallsPerTool().get(c.tool);
		if (perTool == null) {
			perTool = rules.maxCallsPerTool().get("*");
		}
		return new UsageRequest(c.agentId, c.tool, now.truncatedTo(ChronoUnit.HOURS),
				LocalDate.ofInstant(now, ZoneOffset.UTC), spend,
				new UsageLimits(rules.maxActionsPerHour(), perTool, rules.maxSpendMicrosPerDay()));
	}

	/**
	 * Takes the call's dedup lease, waiting while an identical call holds it (bounded):
	 * the holder's heartbeats keep its lease alive while its tool runs, so a lease that
	 * expires belongs to a caller that died (or stalled past its lease), and is taken
	 * over at once.
	 */
	private Claim claim(String leaseKey, Duration ttl) {
		long deadline = this.nanoTime.getAsLong() + this.settings.dedupWaitTimeout().toNanos();
		long pauseMillis = 1;
		while (true) {
			LeaseRecord current = this.leases.getLease(leaseKey);
			if (current == null || !current.isHeld()) {
				long sentAt = this.heartbeats.nanoTime();
				LeaseResult result = this.leases.acquireLease(leaseKey, ttl, UUID.randomUUID().toString(), null);
				if (result.outcome() != LeaseResult.Outcome.HELD_BY_OTHER) {
					return new Claim(result, sentAt);
				}
				current = result.record();
			}
			if (this.nanoTime.getAsLong() - deadline >= 0) {
				return new Claim(new LeaseResult(LeaseResult.Outcome.HELD_BY_OTHER, current), 0);
			}
			sleep(pauseMillis);
			pauseMillis = Math.min(pauseMillis * 2, 50);
		}
	}

	private static void sleep(long millis) {
		try {
			TimeUnit.MILLISECONDS.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for an identical tool call", ex);
		}
	}

	/** Starts heartbeating the dedup lease just acquired. */
	private Dedup hold(Call c, String leaseKey, Claim claim, Duration ttl) {
		String leaseId = java.util.Objects.requireNonNull(claim.result.record().leaseId(), "lease_id");
		String eventKey = DEDUP_PREFIX + c.idempotencyKey;
		LeaseKeeper keeper = this.heartbeats.keep(TOOL_CALL_PATH, eventKey, ttl, this.settings.heartbeatPeriod(ttl),
				claim.sentAtNanos, () -> {
					if (this.leases.extendLease(leaseKey, leaseId, ttl) == null) {
						throw new StaleLeaseException(eventKey);
					}
				}, this.events);
		return new Dedup(leaseKey, eventKey, leaseId, keeper);
	}

	/**
	 * Runs the tool and records what it did. Once the tool has returned, its claim is
	 * never released and its reservation never given back: a failure to record the
	 * outcome is retried while the lease is held, and otherwise ends as an unknown
	 * outcome.
	 */
	private ToolCallOutcome execute(Call c, Instant now, Target target, String risk, UsageRequest usage,
			@Nullable Dedup dedup) {
		Object value;
		try {
			value = invoke(c, now, target);
		}
		catch (Exception ex) {
			giveBack(usage, dedup, ex);
			audit(c, now, "executed", "tool_error", risk, 0);
			Map<String, Object> error = new LinkedHashMap<>();
			error.put("error", "tool_error");
			error.put("message", (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName());
			Map<String, Object> raw = answer(false, true, "executed", "tool_error", risk, error, c, 0);
			raw.put("message", "tool failed");
			return new ToolCallOutcome(AiToolResult.fromRaw(raw), true, null, ex);
		}
		catch (Error err) {
			giveBack(usage, dedup, err);
			throw err;
		}
		// the tool ran: from here on its claim is kept and its spend charged
		try {
			return recordExecuted(c, now, risk, usage, dedup, value);
		}
		finally {
			if (dedup != null) {
				dedup.keeper.close();
			}
		}
	}

	private ToolCallOutcome recordExecuted(Call c, Instant now, String risk, UsageRequest usage, @Nullable Dedup dedup,
			@Nullable Object value) {
		Map<String, Object> result;
		String resultJson;
		try {
			result = ResultObjects.toResultObject(value, this.json);
			resultJson = (result != null) ? this.json.writeValueAsString(result) : null;
		}
		catch (RuntimeException ex) {
			return notSerializable(c, now, risk, usage, dedup, value, ex);
		}
		if (dedup != null) {
			try {
				record(dedup, () -> this.leases.completeLease(dedup.leaseKey, dedup.leaseId, resultJson, null,
						this.settings.dedupWindow()));
			}
			catch (OutcomeUnknownException ex) {
				throw auditUnknown(c, now, risk, usage, ex);
			}
		}
		audit(c, now, "executed", "ok", risk, usage.spendMicros());
		Map<String, Object> raw = answer(true, true, "executed", "ok", risk, result, c, usage.spendMicros());
		return new ToolCallOutcome(AiToolResult.fromRaw(raw), true, value, null);
	}

	/**
	 * The tool ran but its result cannot be turned into JSON: the claim is recorded as
	 * failed with {@code result_not_serializable}, so identical calls do not run it
	 * again.
	 */
	private ToolCallOutcome notSerializable(Call c, Instant now, String risk, UsageRequest usage, @Nullable Dedup dedup,
			@Nullable Object value, RuntimeException failure) {
		String code = ResultNotSerializableException.ERROR_CODE;
		ResultNotSerializableException error = new ResultNotSerializableException(DEDUP_PREFIX + c.idempotencyKey,
				failure);
		if (dedup != null) {
			try {
				record(dedup, () -> this.leases.failLease(dedup.leaseKey, dedup.leaseId, code, null,
						this.settings.dedupWindow()));
			}
			catch (OutcomeUnknownException ex) {
				ex.addSuppressed(error);
				throw auditUnknown(c, now, risk, usage, ex);
			}
		}
		audit(c, now, "executed", code, risk, usage.spendMicros());
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("error", code);
		detail.put("message", "the tool ran, but its result cannot be serialised to JSON");
		Map<String, Object> raw = answer(false, true, "executed", code, risk, detail, c, usage.spendMicros());
		raw.put("message", "tool result cannot be serialised");
		return new ToolCallOutcome(AiToolResult.fromRaw(raw), true, value, error);
	}

	/**
	 * Records the tool's outcome on its dedup lease, retrying while the lease is held,
	 * then stops the heartbeats. A refusal because the lease is no longer held counts as
	 * recorded when the key is terminal (an earlier attempt whose answer was lost, or the
	 * caller that took the claim over, recorded it).
	 * @throws OutcomeUnknownException when it could not be recorded (already reported)
	 */
	private void record(Dedup dedup, Supplier<@Nullable Instant> attempt) {
		LeaseKeeper keeper = dedup.keeper;
		try {
			keeper.record(() -> {
				Instant doneAt = attempt.get();
				if (doneAt == null) {
					throw new StaleLeaseException(dedup.eventKey);
				}
				return doneAt;
			});
		}
		catch (StaleLeaseException ex) {
			LeaseRecord now;
			try {
				now = this.leases.getLease(dedup.leaseKey);
			}
			catch (RuntimeException readFailure) {
				ex.addSuppressed(readFailure);
				throw keeper.outcomeUnknown(ex);
			}
			if (now == null || !now.state().isTerminal()) {
				throw keeper.outcomeUnknown(ex);
			}
		}
		catch (OutcomeUnknownException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw keeper.outcomeUnknown(ex);
		}
		finally {
			keeper.close();
		}
	}

	/** The audit record of a call whose outcome is unknown; the spend stays charged. */
	private OutcomeUnknownException auditUnknown(Call c, Instant now, String risk, UsageRequest usage,
			OutcomeUnknownException unknown) {
		try {
			audit(c, now, "executed", OutcomeUnknownException.ERROR_CODE, risk, usage.spendMicros());
		}
		catch (RuntimeException ex) {
			unknown.addSuppressed(ex);
		}
		return unknown;
	}

	private @Nullable Object invoke(Call c, Instant now, Target target) throws Exception {
		if (target.handler != null) {
			return target.handler.handle(new ToolInvocation(c.agentId, c.tool, c.args, c.runId, c.idempotencyKey));
		}
		ToolRecord tool = java.util.Objects.requireNonNull(target.http);
		Map<String, Object> envelope = new LinkedHashMap<>();
		envelope.put("agent_id", c.agentId);
		envelope.put("tool", c.tool);
		Map<String, Object> args = new LinkedHashMap<>(c.args);
		if (c.runId != null) {
			args.put("run_id", c.runId);
			envelope.put("run_id", c.runId);
		}
		envelope.put("args", args);
		envelope.put("idempotency_key", c.idempotencyKey);
		envelope.put("ts", now.getEpochSecond());
		return this.http.invoke(tool, envelope);
	}

	/**
	 * The tool threw (it did not run to the end): give back the reservation and the
	 * claim.
	 */
	private void giveBack(UsageRequest usage, @Nullable Dedup dedup, Throwable failure) {
		if (dedup != null) {
			dedup.keeper.close();
		}
		try {
			this.store.release(usage);
		}
		catch (RuntimeException ex) {
			failure.addSuppressed(ex);
		}
		if (dedup != null) {
			try {
				this.leases.cancelLease(dedup.leaseKey, dedup.leaseId);
			}
			catch (RuntimeException ex) {
				failure.addSuppressed(ex);
			}
		}
	}

	private ToolCallOutcome blocked(Call c, Instant now, String risk, String reason, String message) {
		audit(c, now, "blocked", reason, risk, 0);
		Map<String, Object> raw = answer(true, false, "blocked", reason, risk, null, c, 0);
		raw.put("message", message);
		return new ToolCallOutcome(AiToolResult.fromRaw(raw), false, null, null);
	}

	private void audit(Call c, Instant now, String decision, String reason, String risk, long spendMicros) {
		this.store.appendAudit(
				new AuditRecord(now, c.agentId, c.tool, decision, reason, risk, c.argsHash, spendMicros, c.runId));
	}

	private static Map<String, Object> answer(boolean ok, boolean allowed, String decision, String reason, String risk,
			@Nullable Map<String, Object> result, Call c, long spendMicros) {
		Map<String, Object> raw = new LinkedHashMap<>();
		raw.put("ok", ok);
		raw.put("allowed", allowed);
		raw.put("decision", decision);
		raw.put("policy_reason", reason);
		raw.put("risk_level", risk);
		raw.put("result", result);
		raw.put("agent_id", c.agentId);
		raw.put("tool", c.tool);
		raw.put("args_hash", c.argsHash);
		raw.put("spend_usd", Money.toUsd(spendMicros));
		if (c.runId != null) {
			raw.put("run_id", c.runId);
		}
		return raw;
	}

	/** The outcome of steps (1) to (3): blocked, or the reservation made. */
	private record Gate(@Nullable ToolCallOutcome blocked, @Nullable UsageRequest usage) {
	}

	record Call(String agentId, String tool, Map<String, Object> args, @Nullable String runId, String argsHash,
			String idempotencyKey, @Nullable Long spendMicros) {
	}

	private record Target(String riskLevel, @Nullable ToolHandler handler, @Nullable ToolRecord http) {
	}

	/** An attempt to take a dedup lease, and when it was sent. */
	private record Claim(LeaseResult result, long sentAtNanos) {
	}

	/** A dedup lease this call holds, and its heartbeats. */
	private record Dedup(String leaseKey, String eventKey, String leaseId, LeaseKeeper keeper) {
	}

}
