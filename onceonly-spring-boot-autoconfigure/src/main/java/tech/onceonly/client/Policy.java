package tech.onceonly.client;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An agent's policy: allow and block lists, limits, budget and pricing. Fields the plan
 * or the answer leaves out are {@code null}.
 *
 * @param agentId the agent
 * @param policy the stored policy object (flat wire fields)
 * @param maxActionsPerHour actions per UTC calendar hour
 * @param maxSpendUsdPerDay spend per UTC calendar day, exact
 * @param allowedTools when non-empty, only these tools may run
 * @param blockedTools these tools never run
 * @param maxCallsPerTool per-tool calls per UTC calendar day
 * @param pricingRules {@code {"tool", "price_usd"}} rules giving each call's spend
 * @param raw the answer's JSON object
 */
public record Policy(String agentId, Map<String, Object> policy, @Nullable Long maxActionsPerHour,
		@Nullable BigDecimal maxSpendUsdPerDay, @Nullable List<String> allowedTools,
		@Nullable List<String> blockedTools, @Nullable Map<String, Long> maxCallsPerTool,
		@Nullable List<Map<String, Object>> pricingRules, Map<String, Object> raw) {

	public Policy {
		policy = WireMaps.raw(policy);
		raw = WireMaps.raw(raw);
	}

	/**
	 * Maps an answer the way the SDKs do: the nested {@code policy} object, else the
	 * fallback (the request), else the answer itself (flat shape).
	 * @param raw the answer
	 * @param fallbackAgentId the agent id of the request
	 * @param fallbackPolicy the policy object of the request, if any
	 * @return the policy
	 */
	public static Policy fromRaw(Map<String, Object> raw, @Nullable String fallbackAgentId,
			@Nullable Map<String, Object> fallbackPolicy) {
		String agentId = WireMaps.string(raw, "agent_id");
		if (agentId == null || agentId.isEmpty()) {
			agentId = (fallbackAgentId != null) ? fallbackAgentId : "";
		}
		Map<String, Object> policy = WireMaps.object(raw, "policy");
		if (policy == null) {
			policy = (fallbackPolicy != null) ? fallbackPolicy : raw;
		}
		return new Policy(agentId, policy, WireMaps.integer(policy, "max_actions_per_hour"),
				WireMaps.decimal(policy, "max_spend_usd_per_day"), WireMaps.strings(policy, "allowed_tools"),
				WireMaps.strings(policy, "blocked_tools"), callsPerTool(policy), pricingRules(policy), raw);
	}

	private static @Nullable Map<String, Long> callsPerTool(Map<String, Object> policy) {
		Map<String, Object> map = WireMaps.object(policy, "max_calls_per_tool");
		if (map == null) {
			return null;
		}
		Map<String, Long> out = new LinkedHashMap<>();
		map.forEach((tool, value) -> {
			if (value instanceof Number n) {
				out.put(tool, n.longValue());
			}
		});
		return Collections.unmodifiableMap(out);
	}

	private static @Nullable List<Map<String, Object>> pricingRules(Map<String, Object> policy) {
		List<Object> list = WireMaps.list(policy.get("pricing_rules"));
		if (list == null) {
			return null;
		}
		return list.stream().map(WireMaps::object).filter(java.util.Objects::nonNull).toList();
	}

}
