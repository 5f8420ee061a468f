package tech.onceonly.spring.actuate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import tech.onceonly.client.AgentLogItem;
import tech.onceonly.client.AgentStatus;
import tech.onceonly.client.AiStatus;
import tech.onceonly.client.LocalOperations;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OnceOnlyBackend;
import tech.onceonly.client.Policy;
import tech.onceonly.client.ValidationException;

/**
 * The {@code onceonly} actuator endpoint: reads the state of a lease, a check-lock key
 * (local engine) and agents (policy, enabled state, recent decisions); and, only when
 * write operations are enabled, releases a stuck key or switches an agent off and on.
 * Answers never contain API keys, tool secrets, lease ids (fencing tokens), stored
 * metadata or tool arguments.
 * <ul>
 * <li>{@code GET /actuator/onceonly} — backend, store and whether writes are enabled</li>
 * <li>{@code GET /actuator/onceonly/agents} — every agent's policy and enabled state</li>
 * <li>{@code GET /actuator/onceonly/leases/{key}}, {@code /locks/{key}},
 * {@code /agents/{agentId}}</li>
 * <li>{@code DELETE /actuator/onceonly/leases/{key}}, {@code /locks/{key}} — release
 * (writes enabled only)</li>
 * <li>{@code POST /actuator/onceonly/agents/{agentId}} with {@code {"enabled": false,
 * "reason": "…"}} — the kill switch (writes enabled only)</li>
 * </ul>
 */
@Endpoint(id = "onceonly")
public class OnceOnlyEndpoint {

	/** The section of leases. */
	public static final String LEASES = "leases";

	/** The section of check-lock keys. */
	public static final String LOCKS = "locks";

	/** The section of agents. */
	public static final String AGENTS = "agents";

	private static final String WRITE_DISABLED = "Write operations of the onceonly endpoint are disabled; set "
			+ "onceonly.endpoint.write-enabled=true (and secure the endpoint) to allow them";

	private final OnceOnly client;

	private final boolean writeEnabled;

	private final int decisionLimit;

	/**
	 * An endpoint.
	 * @param client the client (asked for its {@link OnceOnly#backend() backend})
	 * @param writeEnabled whether write operations are allowed
	 * @param decisionLimit how many recent decisions an agent read shows
	 */
	public OnceOnlyEndpoint(OnceOnly client, boolean writeEnabled, int decisionLimit) {
		this.client = client;
		this.writeEnabled = writeEnabled;
		this.decisionLimit = decisionLimit;
	}

	/** The backend, its store, and whether write operations are enabled. */
	@ReadOperation
	public Summary summary() {
		OnceOnlyBackend backend = OnceOnlyBackend.of(this.client);
		return new Summary(backend.kind().tag(), backend.storeType().orElse(null), this.writeEnabled);
	}

	/** Every agent with its policy and enabled state ({@code agents}). */
	@ReadOperation
	public Agents section(@Selector String section) {
		if (!AGENTS.equals(normalize(section))) {
			throw new InvalidEndpointRequestException("Unknown section '" + section + "'; use agents, or "
					+ "leases/{key}, locks/{key}, agents/{agentId}", "Unknown section");
		}
		try {
			List<AgentView> agents = new ArrayList<>();
			for (Policy policy : this.client.gov().listPolicies()) {
				agents.add(view(policy));
			}
			return new Agents(true, null, agents);
		}
		catch (UnsupportedOperationException ex) {
			return new Agents(false, governanceUnsupported(), List.of());
		}
	}

	/** One lease, check-lock key or agent. */
	@ReadOperation
	public @Nullable Object entry(@Selector String section, @Selector String id) {
		return switch (normalize(section)) {
			case LEASES -> LeaseView.of(validated(() -> this.client.ai().status(id)));
			case LOCKS -> lock(id);
			case AGENTS -> agent(id);
			default -> throw new InvalidEndpointRequestException(
					"Unknown section '" + section + "'; use leases, locks or agents", "Unknown section");
		};
	}

	private LockView lock(String key) {
		LocalOperations local = local();
		if (local == null) {
			return new LockView(key, null, null, null, "Check-lock keys can be read only on the local engine");
		}
		LocalOperations.LockEntry entry = validated(() -> local.readLock(key)).orElse(null);
		if (entry == null) {
			return new LockView(key, false, null, null, null);
		}
		return new LockView(key, true, entry.firstSeenAt().toString(), entry.expiresAt().toString(), null);
	}

	private AgentDetail agent(String agentId) {
		try {
			Policy policy = this.client.gov().getPolicy(agentId);
			List<DecisionView> decisions = this.client.gov()
				.agentLogs(agentId, this.decisionLimit)
				.stream()
				.map(DecisionView::of)
				.toList();
			return new AgentDetail(true, null, view(policy), decisions);
		}
		catch (UnsupportedOperationException ex) {
			return new AgentDetail(false, governanceUnsupported(), null, List.of());
		}
	}

	/**
	 * Releases a stuck lease or check-lock key (local engine; write operations enabled
	 * only).
	 */
	@DeleteOperation
	public WriteResult release(@Selector String section, @Selector String key) {
		if (!this.writeEnabled) {
			return WriteResult.refused(WRITE_DISABLED);
		}
		String kind = normalize(section);
		if (!kind.equals(LEASES) && !kind.equals(LOCKS)) {
			throw new InvalidEndpointRequestException("Only leases/{key} and locks/{key} can be released",
					"Unknown section");
		}
		LocalOperations local = local();
		if (local == null) {
			return WriteResult.unsupported("Releasing keys is supported on the local engine only");
		}
		boolean removed = validated(() -> kind.equals(LEASES) ? local.deleteLease(key) : local.releaseLock(key));
		return removed ? WriteResult.done(kind + " released") : WriteResult.notFound("No " + kind + " entry");
	}

	/** Disables or enables an agent, the kill switch (write operations enabled only). */
	@WriteOperation
	public WriteResult agentState(@Selector String section, @Selector String agentId, boolean enabled,
			@Nullable String reason) {
		if (!this.writeEnabled) {
			return WriteResult.refused(WRITE_DISABLED);
		}
		if (!AGENTS.equals(normalize(section))) {
			throw new InvalidEndpointRequestException("Only agents/{agentId} can be written", "Unknown section");
		}
		try {
			AgentStatus status = enabled ? this.client.gov().enableAgent(agentId, reason)
					: this.client.gov().disableAgent(agentId, reason);
			return WriteResult.done(status.isEnabled() ? "agent enabled" : "agent disabled");
		}
		catch (UnsupportedOperationException ex) {
			return WriteResult.unsupported(governanceUnsupported());
		}
	}

	/** Runs {@code call}, turning an invalid key into a 400 answer instead of a 500. */
	private static <T> T validated(Supplier<T> call) {
		try {
			return call.get();
		}
		catch (ValidationException ex) {
			throw new InvalidEndpointRequestException(String.valueOf(ex.getMessage()), "Invalid key");
		}
	}

	/**
	 * The agent's view, with its enabled state read from the local engine's governance
	 * store when the policy answer does not carry it (the local engine's never does).
	 */
	private AgentView view(Policy policy) {
		AgentView view = AgentView.of(policy);
		LocalOperations local = local();
		if (view.enabled() != null || local == null) {
			return view;
		}
		try {
			boolean enabled = local.agentEnabled(view.agentId());
			return new AgentView(view.agentId(), enabled, view.policy());
		}
		catch (RuntimeException ex) {
			return view;
		}
	}

	private @Nullable LocalOperations local() {
		return OnceOnlyBackend.of(this.client).localOperations().orElse(null);
	}

	private static String normalize(String section) {
		return section.trim().toLowerCase(Locale.ROOT);
	}

	private static String governanceUnsupported() {
		return "Governance is not supported by this backend yet";
	}

	/**
	 * The endpoint's summary.
	 *
	 * @param backend {@code local} or {@code remote}
	 * @param store the local engine's store type
	 * @param writeEnabled whether write operations are allowed
	 */
	public record Summary(String backend, @Nullable String store,
			boolean writeEnabled) implements OperationResponseBody {
	}

	/**
	 * Every agent.
	 *
	 * @param supported false when the backend has no governance
	 * @param message why the list is empty, when unsupported
	 * @param agents the agents
	 */
	public record Agents(boolean supported, @Nullable String message,
			List<AgentView> agents) implements OperationResponseBody {
	}

	/**
	 * An agent's policy and enabled state.
	 *
	 * @param agentId the agent
	 * @param enabled whether it may act; {@code null} when the backend's policy answer
	 * does not say
	 * @param policy the policy's limits and tool lists
	 */
	public record AgentView(String agentId, @Nullable Boolean enabled, PolicyView policy) {

		static AgentView of(Policy policy) {
			Object enabled = policy.raw().containsKey("is_enabled") ? policy.raw().get("is_enabled")
					: policy.raw().get("enabled");
			return new AgentView(policy.agentId(), (enabled instanceof Boolean b) ? b : null, PolicyView.of(policy));
		}

	}

	/**
	 * The limits and tool lists of a policy.
	 *
	 * @param maxActionsPerHour actions per UTC hour
	 * @param maxSpendUsdPerDay spend per UTC day
	 * @param allowedTools the allow list
	 * @param blockedTools the block list
	 * @param maxCallsPerTool per-tool calls per UTC day
	 */
	public record PolicyView(@Nullable Long maxActionsPerHour, @Nullable BigDecimal maxSpendUsdPerDay,
			@Nullable List<String> allowedTools, @Nullable List<String> blockedTools,
			@Nullable Map<String, Long> maxCallsPerTool) {

		static PolicyView of(Policy policy) {
			return new PolicyView(policy.maxActionsPerHour(), policy.maxSpendUsdPerDay(), policy.allowedTools(),
					policy.blockedTools(), policy.maxCallsPerTool());
		}

	}

	/**
	 * An agent with its recent decisions.
	 *
	 * @param supported false when the backend has no governance
	 * @param message why, when unsupported
	 * @param agent the agent
	 * @param decisions the latest decisions, newest first
	 */
	public record AgentDetail(boolean supported, @Nullable String message, @Nullable AgentView agent,
			List<DecisionView> decisions) implements OperationResponseBody {
	}

	/**
	 * One governance decision (no arguments, only their digest).
	 *
	 * @param ts when
	 * @param tool the tool
	 * @param decision executed, blocked or dedup
	 * @param reason the policy reason
	 * @param riskLevel the risk level
	 * @param argsHash the canonical-args digest
	 * @param spendUsd the spend
	 */
	public record DecisionView(@Nullable Object ts, @Nullable String tool, String decision, @Nullable String reason,
			@Nullable String riskLevel, @Nullable String argsHash, BigDecimal spendUsd) {

		static DecisionView of(AgentLogItem item) {
			return new DecisionView(item.ts(), item.tool(), item.decision(), item.policyReason(), item.riskLevel(),
					item.argsHash(), item.spendUsd());
		}

	}

	/**
	 * A lease's state (never its lease id).
	 *
	 * @param key the key
	 * @param status in_progress, completed, failed, expired, released or not_found
	 * @param version acquisitions so far
	 * @param ttlLeft seconds left on the current lease
	 * @param firstSeenAt when it was first leased
	 * @param doneAt when the work finished
	 * @param errorCode the error code of failed work
	 */
	public record LeaseView(String key, String status, long version, @Nullable Long ttlLeft,
			@Nullable String firstSeenAt, @Nullable String doneAt,
			@Nullable String errorCode) implements OperationResponseBody {

		static LeaseView of(AiStatus status) {
			return new LeaseView(status.key(), status.status(), status.version(), status.ttlLeft(),
					status.firstSeenAt(), status.doneAt(), status.errorCode());
		}

	}

	/**
	 * A check-lock key's state (never its metadata).
	 *
	 * @param key the key
	 * @param held whether it is taken; {@code null} when this backend cannot tell
	 * @param firstSeenAt when the holder took it
	 * @param expiresAt when it becomes free
	 * @param message why the state is unknown
	 */
	public record LockView(String key, @Nullable Boolean held, @Nullable String firstSeenAt, @Nullable String expiresAt,
			@Nullable String message) implements OperationResponseBody {
	}

	/**
	 * The result of a write operation.
	 *
	 * @param status {@code done}, {@code refused}, {@code unsupported} or
	 * {@code not_found}
	 * @param message what happened
	 */
	public record WriteResult(String status, String message) implements OperationResponseBody {

		/** The operation was performed. */
		public static final String DONE = "done";

		/** Write operations are disabled. */
		public static final String REFUSED = "refused";

		/** The backend cannot do it. */
		public static final String UNSUPPORTED = "unsupported";

		/** There was nothing to change. */
		public static final String NOT_FOUND = "not_found";

		static WriteResult done(String message) {
			return new WriteResult(DONE, message);
		}

		static WriteResult refused(String message) {
			return new WriteResult(REFUSED, message);
		}

		static WriteResult unsupported(String message) {
			return new WriteResult(UNSUPPORTED, message);
		}

		static WriteResult notFound(String message) {
			return new WriteResult(NOT_FOUND, message);
		}

	}

}
