package tech.onceonly.ai;

/**
 * The short texts a model receives when its tool call did not run; they name the tool and
 * a reason code only.
 */
public final class GovernedToolMessages {

	private GovernedToolMessages() {
	}

	/** {@code Tool '<tool>' was blocked by policy: <reason>}. */
	public static String blocked(String tool, String policyReason) {
		return "Tool '" + tool + "' was blocked by policy: " + policyReason;
	}

	/** The answer to a call while an identical call is still running. */
	public static String inProgress(String tool) {
		return "Tool '" + tool + "' was not run again: an identical call is still in progress";
	}

	/** The answer to a registered tool that failed. */
	public static String failed(String tool, String reason) {
		return "Tool '" + tool + "' failed: " + reason;
	}

	/**
	 * The {@code make_idempotent_tool} duplicate answer:
	 * {@code Action '<tool>' skipped (idempotency key duplicate).}
	 */
	public static String skippedDuplicate(String tool) {
		return "Action '" + tool + "' skipped (idempotency key duplicate).";
	}

}
