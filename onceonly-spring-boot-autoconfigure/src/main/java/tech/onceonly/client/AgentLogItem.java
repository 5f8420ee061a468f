package tech.onceonly.client;

import java.math.BigDecimal;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One governance decision in an agent's audit log.
 *
 * @param ts when (epoch seconds on this project's engines)
 * @param agentId the agent
 * @param tool the tool
 * @param allowed whether the call was allowed (true when the row does not say)
 * @param decision {@code executed}, {@code blocked} or {@code dedup}
 * @param policyReason the reason code
 * @param reason the reason text ({@code policy_reason} when the row has none)
 * @param riskLevel the tool's risk level
 * @param argsHash the canonical-args digest
 * @param spendUsd the spend of the call, exact
 * @param raw the row's JSON object
 */
public record AgentLogItem(@Nullable Object ts, String agentId, @Nullable String tool, boolean allowed, String decision,
		@Nullable String policyReason, String reason, @Nullable String riskLevel, @Nullable String argsHash,
		BigDecimal spendUsd, Map<String, Object> raw) {

	public AgentLogItem {
		raw = WireMaps.raw(raw);
	}

	/** Maps a row with the Python SDK's coercions. */
	public static AgentLogItem fromRaw(Map<String, Object> raw, String fallbackAgentId) {
		boolean allowed = WireMaps.bool(raw, "allowed", true);
		String decision = WireMaps.string(raw, "decision");
		if (decision == null || decision.isEmpty()) {
			decision = allowed ? "allowed" : "blocked";
		}
		String policyReason = WireMaps.string(raw, "policy_reason");
		if (policyReason == null) {
			policyReason = WireMaps.string(raw, "reason");
		}
		String reason = WireMaps.string(raw, "reason");
		if (reason == null) {
			reason = (policyReason != null) ? policyReason : "";
		}
		String agentId = WireMaps.string(raw, "agent_id");
		BigDecimal spend = WireMaps.decimal(raw, "spend_usd");
		return new AgentLogItem(raw.get("ts"), (agentId == null || agentId.isEmpty()) ? fallbackAgentId : agentId,
				WireMaps.string(raw, "tool"), allowed, decision, policyReason, reason,
				WireMaps.string(raw, "risk_level"), WireMaps.string(raw, "args_hash"),
				(spend != null) ? spend : BigDecimal.ZERO, raw);
	}

}
