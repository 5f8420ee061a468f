package tech.onceonly.store;

import java.util.List;

/**
 * The decisions of an agent over a period, aggregated.
 *
 * @param totalActions every decision
 * @param blockedActions {@code blocked} decisions
 * @param spendMicros the spend charged, in micro-dollars
 * @param topTools the most-called tools, most first (ties by name)
 */
public record AuditSummary(long totalActions, long blockedActions, long spendMicros, List<ToolCount> topTools) {

	public AuditSummary {
		topTools = List.copyOf(topTools);
	}

	/**
	 * How many decisions named a tool.
	 *
	 * @param tool the tool
	 * @param count the decisions
	 */
	public record ToolCount(String tool, long count) {
	}

}
