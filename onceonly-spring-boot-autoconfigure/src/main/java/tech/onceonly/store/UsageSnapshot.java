package tech.onceonly.store;

/**
 * The counters of an agent in given windows.
 *
 * @param actionsThisHour actions of the agent in the hour
 * @param toolCallsToday calls of the agent to the tool that day
 * @param spendMicrosToday spend of the agent that day, in micro-dollars
 */
public record UsageSnapshot(long actionsThisHour, long toolCallsToday, long spendMicrosToday) {
}
