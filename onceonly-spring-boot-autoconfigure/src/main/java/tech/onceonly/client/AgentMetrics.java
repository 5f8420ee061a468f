package tech.onceonly.client;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An agent's activity over a period.
 *
 * @param agentId the agent
 * @param period {@code hour}, {@code day} or {@code week}
 * @param totalActions decisions in the period
 * @param blockedActions blocked decisions in the period
 * @param totalSpendUsd spend in the period, exact
 * @param topTools the most-called tools
 * @param raw the answer's JSON object
 */
public record AgentMetrics(String agentId, String period, long totalActions, long blockedActions,
		BigDecimal totalSpendUsd, List<ToolCount> topTools, Map<String, Object> raw) {

	public AgentMetrics {
		topTools = List.copyOf(topTools);
		raw = WireMaps.raw(raw);
	}

	/** Maps an answer with the SDKs' coercions. */
	public static AgentMetrics fromRaw(Map<String, Object> raw, String fallbackAgentId, String fallbackPeriod) {
		String agentId = WireMaps.string(raw, "agent_id");
		String period = WireMaps.string(raw, "period");
		BigDecimal spend = WireMaps.decimal(raw, "total_spend_usd");
		List<ToolCount> top = new ArrayList<>();
		List<Object> rows = WireMaps.list(raw.get("top_tools"));
		if (rows != null) {
			for (Object row : rows) {
				Map<String, Object> map = WireMaps.object(row);
				if (map != null) {
					top.add(new ToolCount(WireMaps.string(map, "tool", ""), WireMaps.integer(map, "count", 0)));
				}
			}
		}
		return new AgentMetrics((agentId == null || agentId.isEmpty()) ? fallbackAgentId : agentId,
				(period == null || period.isEmpty()) ? fallbackPeriod : period,
				WireMaps.integer(raw, "total_actions", 0), WireMaps.integer(raw, "blocked_actions", 0),
				(spend != null) ? spend : BigDecimal.ZERO, top, raw);
	}

	/**
	 * How often a tool was called.
	 *
	 * @param tool the tool
	 * @param count the calls
	 */
	public record ToolCount(String tool, long count) {
	}

}
