package tech.onceonly.engine.governance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.AgentLogItem;
import tech.onceonly.client.AgentMetrics;
import tech.onceonly.client.AgentStatus;
import tech.onceonly.client.ApiException;
import tech.onceonly.client.OnceOnlyGov;
import tech.onceonly.client.Policy;
import tech.onceonly.client.ValidationException;
import tech.onceonly.store.AgentState;
import tech.onceonly.store.AuditRecord;
import tech.onceonly.store.AuditSummary;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.PolicyRecord;

/**
 * The governance API of the local engine: policies and templates, the kill switch, audit
 * logs, metrics and the tools registry, answering with the shapes of the OnceOnly API.
 * Metrics cover a rolling period ending now ({@code hour} = the last 60 minutes,
 * {@code day} = 24 hours, {@code week} = 7 days), with the ten most-called tools.
 */
final class LocalGovernance implements OnceOnlyGov {

	private static final int TOP_TOOLS = 10;

	private final GovernanceStore store;

	private final PolicyCache policies;

	private final RegisteredTools tools;

	private final JsonMapper canonical;

	LocalGovernance(GovernanceStore store, PolicyCache policies, RegisteredTools tools, JsonMapper canonical) {
		this.store = store;
		this.policies = policies;
		this.tools = tools;
		this.canonical = canonical;
	}

	static String agentId(@Nullable String agentId, String operation) {
		if (agentId == null || agentId.isBlank()) {
			throw new IllegalArgumentException(operation + " requires agent_id");
		}
		if (agentId.length() > 256 || agentId.chars().anyMatch(Character::isISOControl)) {
			throw new ValidationException("agent_id must be 1-256 characters without control characters");
		}
		return agentId;
	}

	@Override
	public Policy upsertPolicy(String agentId, Map<String, ?> policy) {
		String id = agentId(agentId, "upsert_policy");
		PolicyRules rules = PolicyRules.parse(policy);
		Map<String, Object> wire = rules.toWire();
		PolicyRecord record = this.store.putPolicy(id, this.canonical.writeValueAsString(wire));
		return Policy.fromRaw(policyAnswer(id, wire, record.updatedAt()), id, null);
	}

	@Override
	public Policy policyFromTemplate(String agentId, String template, @Nullable Map<String, ?> overrides) {
		String id = agentId(agentId, "policy_from_template");
		Policy policy = upsertPolicy(id, PolicyTemplates.apply(template, overrides));
		Map<String, Object> raw = new LinkedHashMap<>(policy.raw());
		raw.put("template", template);
		return Policy.fromRaw(raw, id, null);
	}

	@Override
	public List<Policy> listPolicies() {
		List<Policy> list = new ArrayList<>();
		for (PolicyRecord record : this.store.listPolicies()) {
			list.add(Policy.fromRaw(
					policyAnswer(record.agentId(), this.policies.read(record.policyJson()), record.updatedAt()),
					record.agentId(), null));
		}
		return List.copyOf(list);
	}

	@Override
	public Policy getPolicy(String agentId) {
		String id = agentId(agentId, "get_policy");
		PolicyRecord record = this.store.getPolicy(id);
		if (record == null) {
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("error", "policy_not_found");
			detail.put("message", "agent '" + id + "' has no policy");
			throw new ApiException("policy_not_found", 404, detail);
		}
		return Policy.fromRaw(policyAnswer(id, this.policies.read(record.policyJson()), record.updatedAt()), id, null);
	}

	private static Map<String, Object> policyAnswer(String agentId, Map<String, Object> policy, Instant updatedAt) {
		Map<String, Object> raw = new LinkedHashMap<>();
		raw.put("agent_id", agentId);
		raw.put("policy", policy);
		raw.put("updated_at", updatedAt.toString());
		return raw;
	}

	@Override
	public AgentStatus disableAgent(String agentId, @Nullable String reason) {
		String id = agentId(agentId, "disable_agent");
		return status(this.store.setAgentEnabled(id, false, (reason == null || reason.isEmpty()) ? null : reason));
	}

	@Override
	public AgentStatus enableAgent(String agentId, @Nullable String reason) {
		return status(this.store.setAgentEnabled(agentId(agentId, "enable_agent"), true, null));
	}

	private static AgentStatus status(AgentState state) {
		Map<String, Object> raw = new LinkedHashMap<>();
		raw.put("agent_id", state.agentId());
		raw.put("is_enabled", state.enabled());
		raw.put("disabled_reason", state.disabledReason());
		raw.put("disabled_at", (state.disabledAt() != null) ? state.disabledAt().toString() : null);
		return AgentStatus.fromRaw(raw, state.agentId());
	}

	@Override
	public List<AgentLogItem> agentLogs(String agentId, int limit) {
		String id = agentId(agentId, "agent_logs");
		if (limit < 1 || limit > 500) {
			throw new ValidationException("limit must be from 1 to 500, was " + limit);
		}
		List<AgentLogItem> items = new ArrayList<>();
		for (AuditRecord row : this.store.listAudit(id, limit)) {
			Map<String, Object> raw = new LinkedHashMap<>();
			raw.put("ts", row.ts().getEpochSecond());
			raw.put("agent_id", row.agentId());
			raw.put("tool", row.tool());
			raw.put("allowed", !row.blocked());
			raw.put("decision", row.decision());
			raw.put("policy_reason", row.policyReason());
			raw.put("risk_level", row.riskLevel());
			raw.put("args_hash", row.argsHash());
			raw.put("spend_usd", Money.toUsd(row.spendMicros()));
			if (row.runId() != null) {
				raw.put("run_id", row.runId());
			}
			items.add(AgentLogItem.fromRaw(raw, id));
		}
		return List.copyOf(items);
	}

	@Override
	public AgentMetrics agentMetrics(String agentId, String period) {
		String id = agentId(agentId, "agent_metrics");
		Duration span = switch ((period != null) ? period : "") {
			case "hour" -> Duration.ofHours(1);
			case "day" -> Duration.ofDays(1);
			case "week" -> Duration.ofDays(7);
			default -> throw new ValidationException("period must be hour, day or week, was '" + period + "'");
		};
		Instant now = this.store.now();
		AuditSummary summary = this.store.summarizeAudit(id, now.minus(span), now.plusNanos(1), TOP_TOOLS);
		Map<String, Object> raw = new LinkedHashMap<>();
		raw.put("agent_id", id);
		raw.put("period", period);
		raw.put("total_actions", summary.totalActions());
		raw.put("blocked_actions", summary.blockedActions());
		raw.put("total_spend_usd", Money.toUsd(summary.spendMicros()));
		List<Map<String, Object>> top = new ArrayList<>();
		for (AuditSummary.ToolCount count : summary.topTools()) {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("tool", count.tool());
			row.put("count", count.count());
			top.add(row);
		}
		raw.put("top_tools", top);
		return AgentMetrics.fromRaw(raw, id, period);
	}

	@Override
	public Map<String, Object> createTool(Map<String, ?> tool) {
		return this.tools.create(tool);
	}

	@Override
	public List<Map<String, Object>> listTools(String scopeId) {
		return this.tools.list(scopeId);
	}

	@Override
	public Map<String, Object> getTool(String name, String scopeId) {
		return this.tools.get(name, scopeId);
	}

	@Override
	public Map<String, Object> toggleTool(String name, boolean enabled, String scopeId) {
		return this.tools.toggle(name, enabled, scopeId);
	}

	@Override
	public Map<String, Object> deleteTool(String name, String scopeId) {
		return this.tools.delete(name, scopeId);
	}

}
