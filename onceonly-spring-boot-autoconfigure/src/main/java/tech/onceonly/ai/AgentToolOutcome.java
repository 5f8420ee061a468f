package tech.onceonly.ai;

/**
 * What governance did with a tool call and what the model receives.
 *
 * @param decision {@code executed}, {@code blocked} or {@code dedup}
 * @param policyReason the reason code, e.g. {@code ok}, {@code tool_explicitly_blocked},
 * {@code tool_idempotency}
 * @param text the tool result, or a short model-readable message when the tool did not
 * run
 * @param executed true when this call ran the tool
 */
public record AgentToolOutcome(String decision, String policyReason, String text, boolean executed) {

	/** True when governance refused the call. */
	public boolean blocked() {
		return "blocked".equals(this.decision);
	}

}
