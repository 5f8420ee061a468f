package tech.onceonly.ai;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import tech.onceonly.client.AgentDisabledException;
import tech.onceonly.client.AiResult;
import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.ApiException;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OnceOnlyBackend;
import tech.onceonly.client.Policy;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.client.ToolDecisions;

/**
 * An {@link AgentToolGovernor} on the remote API (hosted or self-hosted), where the
 * governance pipeline runs on the server and in-process Java tools cannot be handed to
 * it.
 * <ul>
 * <li>A tool named in {@code registeredTools} is a tool registered on the server: the
 * call goes to {@code ai().runTool}, and the server applies the whole pipeline (kill
 * switch, lists, limits and budget, dedup) and calls the tool's URL. The local tool is
 * not run.</li>
 * <li>Any other tool runs in-process. When the backend offers {@link ToolDecisions} (a
 * self-hosted {@code onceonly-server}), the server decides the call first (kill switch,
 * allow and block lists, {@code max_actions_per_hour}, {@code max_calls_per_tool} and
 * {@code max_spend_usd_per_day} reserved atomically, dedup, audit); the tool runs only
 * when allowed, and its result (the spend kept) or its failure (the reservation given
 * back) is recorded, as on the local engine. A result that cannot be recorded is an
 * {@link tech.onceonly.client.OutcomeUnknownException}.</li>
 * <li>On the hosted API, which answers such a decision {@code 404} (remembered, logged
 * once), the agent's allow and block lists are checked against
 * {@code gov().getPolicy(agent)} (one request per call), then the tool runs exactly once
 * through {@code ai().runFn} keyed by agent, tool and canonical arguments (plus run id);
 * duplicates get the first result. The kill switch and the limits and budget are
 * <em>not</em> enforced there for these calls, and they leave no governance audit
 * record.</li>
 * </ul>
 */
public final class RemoteAgentToolGovernor implements AgentToolGovernor {

	/** The prefix of the runFn keys of in-process tools. */
	public static final String KEY_PREFIX = "ai-tool";

	private static final int MAX_KEY_LENGTH = 256;

	private static final Log logger = LogFactory.getLog(RemoteAgentToolGovernor.class);

	private final OnceOnly client;

	private final ToolArguments arguments;

	private final Set<String> registeredTools;

	private final RunFnOptions options;

	private final AtomicBoolean serverDecides = new AtomicBoolean(true);

	/**
	 * A governor.
	 * @param client the remote client
	 * @param arguments converts results
	 * @param registeredTools the tools registered on the server, called through
	 * {@code runTool}
	 * @param dedupWindow how long an in-process tool's result is replayed to identical
	 * calls (the runFn lease ttl)
	 */
	public RemoteAgentToolGovernor(OnceOnly client, ToolArguments arguments, Set<String> registeredTools,
			Duration dedupWindow) {
		this.client = Objects.requireNonNull(client, "client");
		this.arguments = Objects.requireNonNull(arguments, "arguments");
		this.registeredTools = Set.copyOf(registeredTools);
		this.options = RunFnOptions.defaults().withTtl(dedupWindow).withFailure("tool_error", (ex) -> false);
	}

	@Override
	public AgentToolOutcome govern(AgentToolCall call, AgentToolExecution execution) {
		if (this.registeredTools.contains(call.tool())) {
			return registered(call);
		}
		ToolDecisions decisions = this.serverDecides.get()
				? OnceOnlyBackend.of(this.client).toolDecisions().orElse(null) : null;
		if (decisions != null) {
			AgentToolOutcome decided = decided(decisions, call, execution);
			if (decided != null) {
				return decided;
			}
		}
		String blocked = blockedByLists(call);
		if (blocked != null) {
			return AgentToolOutcome.blocked(call.tool(), blocked);
		}
		AtomicBoolean ran = new AtomicBoolean();
		AtomicReference<@Nullable Object> value = new AtomicReference<>();
		AiResult result = this.client.ai().runFn(key(call), () -> {
			ran.set(true);
			Object returned = AgentToolExecution.run(execution);
			value.set(returned);
			return returned;
		}, this.options);
		if (!result.isCompleted()) {
			return AgentToolOutcome.unanswered("dedup", "tool_idempotency",
					GovernedToolMessages.inProgress(call.tool()));
		}
		if (ran.get()) {
			Object returned = value.get();
			return new AgentToolOutcome("executed", "ok", this.arguments.textOf(returned), true, returned,
					result.result(), true);
		}
		return AgentToolOutcome.replayed("tool_idempotency", this.arguments.toText(result.result()), result.result());
	}

	/**
	 * The runFn key of an in-process call: {@code ai-tool:<agent>:<tool>:<digest>},
	 * hashed when too long.
	 */
	String key(AgentToolCall call) {
		Map<String, Object> digested = new LinkedHashMap<>(call.arguments());
		if (call.runId() != null) {
			digested.put("run_id", call.runId());
		}
		String key = KEY_PREFIX + ":" + call.agentId() + ":" + call.tool() + ":" + ToolInputDigest.digest(digested);
		if (key.length() <= MAX_KEY_LENGTH) {
			return key;
		}
		return KEY_PREFIX + ":" + ToolInputDigest.sha256Hex(key);
	}

	private AgentToolOutcome registered(AgentToolCall call) {
		AiToolResult result = this.client.ai()
			.runTool(new ToolCallRequest(call.agentId(), call.tool(), call.arguments(), call.spendUsd(), call.runId()));
		String reason = (result.policyReason() != null) ? result.policyReason() : "";
		if ("blocked".equals(result.decision()) || !result.allowed()) {
			if ("agent_disabled".equals(reason)) {
				throw new AgentDisabledException(call.agentId(), call.tool());
			}
			return AgentToolOutcome.blocked(call.tool(), reason);
		}
		if (!result.ok()) {
			String text = "dedup".equals(result.decision()) ? GovernedToolMessages.inProgress(call.tool())
					: GovernedToolMessages.failed(call.tool(), reason);
			return AgentToolOutcome.unanswered(result.decision(), reason, text);
		}
		boolean executed = "executed".equals(result.decision());
		return new AgentToolOutcome(result.decision(), reason, this.arguments.toText(result.result()), executed,
				executed ? result.result() : null, result.result(), true);
	}

	/**
	 * The whole pipeline through the server's tool decisions: decide (kill switch, lists,
	 * limits and budget reserved, dedup), run the method in-process when allowed, then
	 * record its result or failure.
	 * @return the outcome, or {@code null} when the server does not offer tool decisions
	 * (then remembered, with one WARN log)
	 */
	private @Nullable AgentToolOutcome decided(ToolDecisions decisions, AgentToolCall call,
			AgentToolExecution execution) {
		AiToolResult decision;
		try {
			decision = decisions.decide(
					new ToolCallRequest(call.agentId(), call.tool(), call.arguments(), call.spendUsd(), call.runId()),
					call.riskLevel());
		}
		catch (ApiException ex) {
			if (Integer.valueOf(404).equals(ex.getStatusCode()) && this.serverDecides.compareAndSet(true, false)) {
				logger.warn("The OnceOnly API does not offer tool decisions (a self-hosted onceonly-server does): "
						+ "in-process @GovernedTool calls get the allow and block lists and dedup only, not the "
						+ "kill switch, limits and budget");
				return null;
			}
			throw ex;
		}
		String claimId = ToolDecisions.claimIdOf(decision);
		if (claimId == null) {
			return answered(call, decision);
		}
		Object returned;
		try {
			returned = AgentToolExecution.run(execution);
		}
		catch (RuntimeException | Error ex) {
			Throwable cause = (ex instanceof java.lang.reflect.UndeclaredThrowableException undeclared
					&& undeclared.getCause() != null) ? undeclared.getCause() : ex;
			String message = (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
			try {
				decisions.fail(claimId, message);
			}
			catch (RuntimeException recordFailure) {
				ex.addSuppressed(recordFailure);
			}
			throw ex;
		}
		AiToolResult recorded = decisions.complete(claimId, returned);
		return new AgentToolOutcome("executed", "ok", this.arguments.textOf(returned), true, returned,
				recorded.result(), true);
	}

	private AgentToolOutcome answered(AgentToolCall call, AiToolResult result) {
		String reason = (result.policyReason() != null) ? result.policyReason() : "";
		if ("blocked".equals(result.decision()) || !result.allowed()) {
			if ("agent_disabled".equals(reason)) {
				throw new AgentDisabledException(call.agentId(), call.tool());
			}
			return AgentToolOutcome.blocked(call.tool(), reason);
		}
		if (!result.ok()) {
			String text = "dedup".equals(result.decision()) ? GovernedToolMessages.inProgress(call.tool())
					: GovernedToolMessages.failed(call.tool(), reason);
			return AgentToolOutcome.unanswered(result.decision(), reason, text);
		}
		return AgentToolOutcome.replayed(reason, this.arguments.toText(result.result()), result.result());
	}

	private @Nullable String blockedByLists(AgentToolCall call) {
		Policy policy;
		try {
			policy = this.client.gov().getPolicy(call.agentId());
		}
		catch (ApiException ex) {
			if (Integer.valueOf(404).equals(ex.getStatusCode())) {
				return null;
			}
			throw ex;
		}
		List<String> allowed = policy.allowedTools();
		if (allowed != null && !allowed.isEmpty() && !allowed.contains(call.tool())) {
			return "tool_not_in_allowed_list";
		}
		List<String> blocked = policy.blockedTools();
		if (blocked != null && blocked.contains(call.tool())) {
			return "tool_explicitly_blocked";
		}
		return null;
	}

}
