package tech.onceonly.client;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Whether an agent may act (the kill switch).
 *
 * @param agentId the agent
 * @param isEnabled false while the agent is disabled
 * @param disabledReason why it was disabled
 * @param disabledAt when it was disabled
 * @param raw the answer's JSON object
 */
public record AgentStatus(String agentId, boolean isEnabled, @Nullable String disabledReason,
		@Nullable String disabledAt, Map<String, Object> raw) {

	public AgentStatus {
		raw = WireMaps.raw(raw);
	}

	/** Maps an answer: {@code is_enabled}, else {@code enabled}, else false. */
	public static AgentStatus fromRaw(Map<String, Object> raw, String fallbackAgentId) {
		String agentId = WireMaps.string(raw, "agent_id");
		Object enabled = raw.containsKey("is_enabled") ? raw.get("is_enabled") : raw.get("enabled");
		return new AgentStatus((agentId == null || agentId.isEmpty()) ? fallbackAgentId : agentId,
				WireMaps.truthy(enabled), WireMaps.string(raw, "disabled_reason"), WireMaps.string(raw, "disabled_at"),
				raw);
	}

	/** Same as {@link #isEnabled()}. */
	public boolean enabled() {
		return this.isEnabled;
	}

}
