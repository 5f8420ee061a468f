package tech.onceonly.store;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One action to reserve (or release): it counts once against the agent's hour, once
 * against the agent's calls to the tool that day, and {@code spendMicros} against the
 * agent's spend that day.
 *
 * @param agentId the agent
 * @param tool the tool
 * @param hour the start of the UTC calendar hour the action falls in
 * @param day the UTC calendar day the action falls in
 * @param spendMicros the spend in micro-dollars, zero or more
 * @param limits the limits to enforce when reserving
 */
public record UsageRequest(String agentId, String tool, Instant hour, LocalDate day, long spendMicros,
		UsageLimits limits) {

	public UsageRequest {
		Objects.requireNonNull(agentId, "agentId");
		Objects.requireNonNull(tool, "tool");
		if (spendMicros < 0) {
			throw new IllegalArgumentException("spendMicros must not be negative, was " + spendMicros);
		}
	}

}
