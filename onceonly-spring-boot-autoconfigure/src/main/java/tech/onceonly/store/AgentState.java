package tech.onceonly.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Whether an agent may act (the kill switch). An agent the store has never seen is
 * enabled.
 *
 * @param agentId the agent
 * @param enabled false while the agent is disabled
 * @param disabledReason why it was disabled, while disabled
 * @param disabledAt when it was disabled (store time), while disabled
 */
public record AgentState(String agentId, boolean enabled, @Nullable String disabledReason,
		@Nullable Instant disabledAt) {

	/** The state of an agent nobody has disabled. */
	public static AgentState enabled(String agentId) {
		return new AgentState(agentId, true, null, null);
	}

}
