package tech.onceonly.client;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Agent governance: policies, the kill switch, audit logs, metrics and the tools
 * registry.
 */
public interface OnceOnlyGov {

	/** Creates or replaces the agent's policy from flat wire fields. */
	Policy upsertPolicy(String agentId, Map<String, ?> policy);

	/**
	 * Sets the agent's policy from a template ({@code strict}, {@code moderate},
	 * {@code permissive}, {@code read_only}, {@code support_bot}) with overrides.
	 */
	Policy policyFromTemplate(String agentId, String template, @Nullable Map<String, ?> overrides);

	/** Every policy. */
	List<Policy> listPolicies();

	/** The agent's policy. */
	Policy getPolicy(String agentId);

	/**
	 * Disables the agent (kill switch): every later tool call is blocked with
	 * {@code agent_disabled}.
	 */
	AgentStatus disableAgent(String agentId, @Nullable String reason);

	/** Enables the agent again. */
	AgentStatus enableAgent(String agentId, @Nullable String reason);

	/** The agent's latest decisions, newest first. */
	List<AgentLogItem> agentLogs(String agentId, int limit);

	/** The agent's activity over {@code hour}, {@code day} or {@code week}. */
	AgentMetrics agentMetrics(String agentId, String period);

	/** Registers (or replaces) an HTTP tool; the answer never contains the secret. */
	Map<String, Object> createTool(Map<String, ?> tool);

	/** The registered tools of a scope ({@code global} or {@code agent:<id>}). */
	List<Map<String, Object>> listTools(String scopeId);

	/** One registered tool. */
	Map<String, Object> getTool(String name, String scopeId);

	/** Enables or disables a registered tool. */
	Map<String, Object> toggleTool(String name, boolean enabled, String scopeId);

	/** Deletes a registered tool. */
	Map<String, Object> deleteTool(String name, String scopeId);

}
