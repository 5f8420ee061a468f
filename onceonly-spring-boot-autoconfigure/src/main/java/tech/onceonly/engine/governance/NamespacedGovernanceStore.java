package tech.onceonly.engine.governance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.ValidationException;
import tech.onceonly.store.AgentState;
import tech.onceonly.store.AuditRecord;
import tech.onceonly.store.AuditSummary;
import tech.onceonly.store.EventRecord;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.PolicyRecord;
import tech.onceonly.store.ReserveOutcome;
import tech.onceonly.store.ToolRecord;
import tech.onceonly.store.UsageRequest;
import tech.onceonly.store.UsageSnapshot;

/**
 * A view of a shared {@link GovernanceStore} that isolates one namespace (a tenant):
 * every agent id, tool scope id and run id is prefixed with the namespace on the way in
 * and stripped on the way out, and list operations return only the namespace's own rows.
 * Two engines with different namespaces on one store therefore never see or change each
 * other's policies, kill switches, counters, audit logs, tools or run events, even for
 * the same agent id. It works with every store, since it only rewrites the keys the store
 * is given.
 *
 * <p>
 * Policies and recent events are filtered by prefix: listing them reads the shared rows
 * and skips other tenants' (events are read in pages until enough of the namespace's are
 * found). The stored ids are longer by the namespace, so an id that would no longer fit
 * the store's columns (256 characters for agent ids in the JDBC store) is refused with a
 * {@link ValidationException}.
 */
public final class NamespacedGovernanceStore implements GovernanceStore {

	/** The longest prefixed agent id, the width of the JDBC store's agent columns. */
	static final int MAX_AGENT_ID = 256;

	/** The longest prefixed scope id, the width of the JDBC store's scope column. */
	static final int MAX_SCOPE_ID = 270;

	/** The longest prefixed run id, the width of the JDBC store's run columns. */
	static final int MAX_RUN_ID = 1024;

	/** How many recent events one read of the shared store returns while filtering. */
	private static final int EVENT_PAGE = 500;

	private final GovernanceStore delegate;

	private final String namespace;

	/**
	 * A namespaced view.
	 * @param delegate the shared store
	 * @param namespace the non-empty prefix of this view's ids
	 */
	public NamespacedGovernanceStore(GovernanceStore delegate, String namespace) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		this.namespace = Objects.requireNonNull(namespace, "namespace");
		if (namespace.isEmpty()) {
			throw new IllegalArgumentException("namespace must not be empty");
		}
	}

	/** The shared store under this view. */
	public GovernanceStore delegate() {
		return this.delegate;
	}

	/** The prefix of this view's ids. */
	public String namespace() {
		return this.namespace;
	}

	@Override
	public String type() {
		return this.delegate.type();
	}

	@Override
	public Instant now() {
		return this.delegate.now();
	}

	// ---- ids

	private String in(String id, String what, int max) {
		String prefixed = this.namespace + id;
		if (prefixed.length() > max) {
			throw new ValidationException(what + " is too long: with the namespace it must be at most " + max
					+ " characters, was " + prefixed.length());
		}
		return prefixed;
	}

	private String agent(String agentId) {
		return in(agentId, "agent_id", MAX_AGENT_ID);
	}

	private String scope(String scopeId) {
		return in(scopeId, "scope_id", MAX_SCOPE_ID);
	}

	private String run(String runId) {
		return in(runId, "run_id", MAX_RUN_ID);
	}

	private boolean owns(String stored) {
		return stored.startsWith(this.namespace);
	}

	private String out(String stored) {
		return owns(stored) ? stored.substring(this.namespace.length()) : stored;
	}

	// ---- policies and agents

	@Override
	public PolicyRecord putPolicy(String agentId, String policyJson) {
		return policyOut(this.delegate.putPolicy(agent(agentId), policyJson));
	}

	@Override
	public @Nullable PolicyRecord getPolicy(String agentId) {
		PolicyRecord record = this.delegate.getPolicy(agent(agentId));
		return (record != null) ? policyOut(record) : null;
	}

	@Override
	public List<PolicyRecord> listPolicies() {
		List<PolicyRecord> own = new ArrayList<>();
		for (PolicyRecord record : this.delegate.listPolicies()) {
			if (owns(record.agentId())) {
				own.add(policyOut(record));
			}
		}
		return own;
	}

	private PolicyRecord policyOut(PolicyRecord record) {
		return new PolicyRecord(out(record.agentId()), record.policyJson(), record.updatedAt());
	}

	@Override
	public AgentState setAgentEnabled(String agentId, boolean enabled, @Nullable String reason) {
		return agentOut(this.delegate.setAgentEnabled(agent(agentId), enabled, reason));
	}

	@Override
	public AgentState getAgent(String agentId) {
		return agentOut(this.delegate.getAgent(agent(agentId)));
	}

	private AgentState agentOut(AgentState state) {
		return new AgentState(out(state.agentId()), state.enabled(), state.disabledReason(), state.disabledAt());
	}

	// ---- counters

	@Override
	public ReserveOutcome reserve(UsageRequest request) {
		return this.delegate.reserve(usageIn(request));
	}

	@Override
	public void release(UsageRequest request) {
		this.delegate.release(usageIn(request));
	}

	@Override
	public UsageSnapshot usage(UsageRequest request) {
		return this.delegate.usage(usageIn(request));
	}

	private UsageRequest usageIn(UsageRequest request) {
		return new UsageRequest(agent(request.agentId()), request.tool(), request.hour(), request.day(),
				request.spendMicros(), request.limits());
	}

	// ---- audit

	@Override
	public void appendAudit(AuditRecord record) {
		this.delegate.appendAudit(new AuditRecord(record.ts(), agent(record.agentId()), record.tool(),
				record.decision(), record.policyReason(), record.riskLevel(), record.argsHash(), record.spendMicros(),
				record.runId()));
	}

	@Override
	public List<AuditRecord> listAudit(String agentId, int limit) {
		List<AuditRecord> rows = this.delegate.listAudit(agent(agentId), limit);
		List<AuditRecord> own = new ArrayList<>(rows.size());
		for (AuditRecord row : rows) {
			own.add(new AuditRecord(row.ts(), out(row.agentId()), row.tool(), row.decision(), row.policyReason(),
					row.riskLevel(), row.argsHash(), row.spendMicros(), row.runId()));
		}
		return own;
	}

	@Override
	public AuditSummary summarizeAudit(String agentId, Instant from, Instant to, int topTools) {
		return this.delegate.summarizeAudit(agent(agentId), from, to, topTools);
	}

	// ---- tools

	@Override
	public ToolRecord putTool(ToolRecord tool) {
		return toolOut(this.delegate.putTool(new ToolRecord(scope(tool.scopeId()), tool.name(), tool.url(),
				tool.authType(), tool.secret(), tool.timeoutMs(), tool.maxRetries(), tool.enabled(), tool.description(),
				tool.riskLevel(), tool.createdAt(), tool.updatedAt())));
	}

	@Override
	public @Nullable ToolRecord getTool(String scopeId, String name) {
		ToolRecord tool = this.delegate.getTool(scope(scopeId), name);
		return (tool != null) ? toolOut(tool) : null;
	}

	@Override
	public List<ToolRecord> listTools(String scopeId) {
		return this.delegate.listTools(scope(scopeId)).stream().map(this::toolOut).toList();
	}

	@Override
	public @Nullable ToolRecord setToolEnabled(String scopeId, String name, boolean enabled) {
		ToolRecord tool = this.delegate.setToolEnabled(scope(scopeId), name, enabled);
		return (tool != null) ? toolOut(tool) : null;
	}

	@Override
	public boolean deleteTool(String scopeId, String name) {
		return this.delegate.deleteTool(scope(scopeId), name);
	}

	private ToolRecord toolOut(ToolRecord tool) {
		return new ToolRecord(out(tool.scopeId()), tool.name(), tool.url(), tool.authType(), tool.secret(),
				tool.timeoutMs(), tool.maxRetries(), tool.enabled(), tool.description(), tool.riskLevel(),
				tool.createdAt(), tool.updatedAt());
	}

	// ---- events

	@Override
	public EventRecord appendEvent(String runId, String eventJson) {
		return eventOut(this.delegate.appendEvent(run(runId), eventJson));
	}

	@Override
	public List<EventRecord> listRunEvents(String runId, int limit, int offset) {
		return this.delegate.listRunEvents(run(runId), limit, offset).stream().map(this::eventOut).toList();
	}

	@Override
	public long countRunEvents(String runId) {
		return this.delegate.countRunEvents(run(runId));
	}

	/**
	 * The namespace's latest events, newest first: the shared recent events are read page
	 * by page and other namespaces' skipped, until {@code offset + limit} of this
	 * namespace's are found or the store has no more.
	 */
	@Override
	public List<EventRecord> listRecentEvents(int limit, int offset) {
		List<EventRecord> own = new ArrayList<>(Math.min(limit, EVENT_PAGE));
		long wanted = (long) offset + limit;
		long seen = 0;
		int from = 0;
		while (seen < wanted) {
			List<EventRecord> rows = this.delegate.listRecentEvents(EVENT_PAGE, from);
			for (EventRecord row : rows) {
				if (owns(row.runId()) && seen++ >= offset && own.size() < limit) {
					own.add(eventOut(row));
				}
			}
			if (rows.size() < EVENT_PAGE) {
				break;
			}
			from += EVENT_PAGE;
		}
		return own;
	}

	private EventRecord eventOut(EventRecord event) {
		return new EventRecord(event.id(), out(event.runId()), event.ts(), event.eventJson());
	}

	@Override
	public String toString() {
		return "NamespacedGovernanceStore[" + this.namespace + " on " + this.delegate.type() + "]";
	}

}
