package tech.onceonly.store;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The atomic primitives under agent governance: policies, the kill switch, windowed
 * counters and spend reservations, the audit log, the tools registry and run timelines. A
 * backend implements it beside {@link OnceOnlyStore}. Every method is one atomic
 * operation of the store; time comes from the store's clock ({@link #now()}). Records
 * that can grow without bound (audit rows, events) are kept for a retention period and up
 * to a bound, after which the oldest go first.
 */
public interface GovernanceStore {

	/**
	 * The store's short name for logs, health and metrics: {@code memory}, {@code jdbc},
	 * {@code redis}.
	 */
	String type();

	/**
	 * The store's clock: windows, audit timestamps and retention are decided against it.
	 */
	Instant now();

	/** Creates or replaces the agent's policy. */
	PolicyRecord putPolicy(String agentId, String policyJson);

	/** The agent's policy, or {@code null}. */
	@Nullable PolicyRecord getPolicy(String agentId);

	/** Every policy, ordered by agent id. */
	List<PolicyRecord> listPolicies();

	/**
	 * Disables the agent with a reason (at store time) or enables it again (clearing
	 * reason and time).
	 * @return the agent's state after the change
	 */
	AgentState setAgentEnabled(String agentId, boolean enabled, @Nullable String reason);

	/** The agent's state; an unknown agent is enabled. */
	AgentState getAgent(String agentId);

	/**
	 * Atomically checks every limit of {@code request} and, when all hold, counts the
	 * action and reserves its spend; otherwise changes nothing and names the first limit
	 * that would be exceeded (actions per hour, then calls per tool, then spend).
	 * Concurrent reservations never exceed a limit together.
	 */
	ReserveOutcome reserve(UsageRequest request);

	/**
	 * Gives back what {@link #reserve} counted for {@code request} (the action did not
	 * happen).
	 */
	void release(UsageRequest request);

	/**
	 * The counters of {@code request}'s agent, tool and windows (its limits are ignored).
	 */
	UsageSnapshot usage(UsageRequest request);

	/** Appends a decision to the audit log. */
	void appendAudit(AuditRecord record);

	/** The agent's latest decisions, newest first, at most {@code limit}. */
	List<AuditRecord> listAudit(String agentId, int limit);

	/**
	 * The agent's decisions with {@code from <= ts < to}, aggregated, with at most
	 * {@code topTools} tools.
	 */
	AuditSummary summarizeAudit(String agentId, Instant from, Instant to, int topTools);

	/**
	 * Creates or replaces the tool keyed by its scope and name; an existing tool keeps
	 * its creation time.
	 * @return the stored tool
	 */
	ToolRecord putTool(ToolRecord tool);

	/** The tool, or {@code null}. */
	@Nullable ToolRecord getTool(String scopeId, String name);

	/** The tools of a scope, ordered by name. */
	List<ToolRecord> listTools(String scopeId);

	/** Enables or disables the tool; {@code null} when there is no such tool. */
	@Nullable ToolRecord setToolEnabled(String scopeId, String name, boolean enabled);

	/** Deletes the tool; true when it existed. */
	boolean deleteTool(String scopeId, String name);

	/** Appends an event to the run's timeline with the next id and the store time. */
	EventRecord appendEvent(String runId, String eventJson);

	/** The run's events, oldest first, skipping {@code offset}, at most {@code limit}. */
	List<EventRecord> listRunEvents(String runId, int limit, int offset);

	/** How many events the run has. */
	long countRunEvents(String runId);

	/**
	 * The latest events of every run, newest first, skipping {@code offset}, at most
	 * {@code limit}.
	 */
	List<EventRecord> listRecentEvents(int limit, int offset);

}
