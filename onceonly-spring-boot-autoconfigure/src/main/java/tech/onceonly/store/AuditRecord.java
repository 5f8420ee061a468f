package tech.onceonly.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One governance decision.
 *
 * @param ts when it was decided (store time)
 * @param agentId the agent
 * @param tool the tool
 * @param decision {@code executed}, {@code blocked} or {@code dedup}
 * @param policyReason the reason code ({@code ok}, {@code agent_disabled}, …)
 * @param riskLevel the tool's risk level
 * @param argsHash the canonical-args digest
 * @param spendMicros the spend charged by this decision, in micro-dollars (zero unless
 * executed successfully)
 * @param runId the run the call belonged to, if any
 */
public record AuditRecord(Instant ts, String agentId, String tool, String decision, String policyReason,
		@Nullable String riskLevel, @Nullable String argsHash, long spendMicros, @Nullable String runId) {

	/** True for a {@code blocked} decision. */
	public boolean blocked() {
		return "blocked".equals(this.decision);
	}

}
