package tech.onceonly.ai;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What governance did with a tool call: what the model receives, and what a
 * {@code @GovernedTool} method returns.
 *
 * @param decision {@code executed}, {@code blocked} or {@code dedup}
 * @param policyReason the reason code, e.g. {@code ok}, {@code tool_explicitly_blocked},
 * {@code tool_idempotency}
 * @param text the tool result, or a short model-readable message when the tool did not
 * run
 * @param executed true when this call ran the tool
 * @param value what the tool returned, when this call ran it
 * @param result the JSON result recorded for the call; for a duplicate, the first call's
 * result replayed
 * @param answered true when the call has a result (it ran, or it is a duplicate of a
 * completed call); false when it was blocked, an identical call is still running, or a
 * registered tool failed
 */
public record AgentToolOutcome(String decision, String policyReason, String text, boolean executed,
		@Nullable Object value, @Nullable Map<String, Object> result, boolean answered) {

	/** An outcome without value or recorded result; answered when executed. */
	public AgentToolOutcome(String decision, String policyReason, String text, boolean executed) {
		this(decision, policyReason, text, executed, null, null, executed);
	}

	/** A call that ran the tool. */
	public static AgentToolOutcome executed(String policyReason, String text, @Nullable Object value) {
		return new AgentToolOutcome("executed", policyReason, text, true, value, null, true);
	}

	/** A call refused by governance. */
	public static AgentToolOutcome blocked(String tool, String policyReason) {
		return new AgentToolOutcome("blocked", policyReason, GovernedToolMessages.blocked(tool, policyReason), false,
				null, null, false);
	}

	/** A duplicate that replays the first call's recorded result. */
	public static AgentToolOutcome replayed(String policyReason, String text, @Nullable Map<String, Object> result) {
		return new AgentToolOutcome("dedup", policyReason, text, false, null, result, true);
	}

	/**
	 * A call that did not run and has no result (in progress, or a failed registered
	 * tool).
	 */
	public static AgentToolOutcome unanswered(String decision, String policyReason, String text) {
		return new AgentToolOutcome(decision, policyReason, text, false, null, null, false);
	}

	/** True when governance refused the call. */
	public boolean blocked() {
		return "blocked".equals(this.decision);
	}

}
