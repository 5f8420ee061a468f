package tech.onceonly.store;

import org.jspecify.annotations.Nullable;

/**
 * The limits a reservation must stay within; {@code null} means unlimited.
 *
 * @param maxActionsPerHour actions of the agent per UTC calendar hour
 * @param maxCallsPerToolPerDay calls of the agent to this tool per UTC calendar day
 * @param maxSpendMicrosPerDay spend of the agent per UTC calendar day, in micro-dollars
 */
public record UsageLimits(@Nullable Long maxActionsPerHour, @Nullable Long maxCallsPerToolPerDay,
		@Nullable Long maxSpendMicrosPerDay) {

	/** No limits at all. */
	public static UsageLimits none() {
		return new UsageLimits(null, null, null);
	}

}
