package tech.onceonly.store;

/**
 * What an atomic check-and-reserve did: reserved everything, or reserved nothing because
 * of the first limit hit.
 */
public enum ReserveOutcome {

	/** The action was counted and its spend reserved. */
	RESERVED,

	/**
	 * The agent's actions this hour would exceed {@code max_actions_per_hour}; nothing
	 * was reserved.
	 */
	MAX_ACTIONS_PER_HOUR_EXCEEDED,

	/**
	 * The agent's calls to the tool today would exceed {@code max_calls_per_tool};
	 * nothing was reserved.
	 */
	MAX_CALLS_PER_TOOL_EXCEEDED,

	/**
	 * The agent's spend today would exceed {@code max_spend_usd_per_day}; nothing was
	 * reserved.
	 */
	MAX_SPEND_USD_PER_DAY_EXCEEDED

}
