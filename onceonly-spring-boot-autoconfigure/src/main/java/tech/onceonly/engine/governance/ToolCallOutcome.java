package tech.onceonly.engine.governance;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.AiToolResult;

/**
 * What the governed pipeline did with a call.
 *
 * @param result the answer, shaped as tool-mode {@code /ai/run}
 * @param executed true when this call executed the tool (and {@link #value()} is what it
 * returned)
 * @param value the value the tool returned when this call executed it
 * @param error the tool's failure, for a {@code tool_error}
 */
public record ToolCallOutcome(AiToolResult result, boolean executed, @Nullable Object value,
		@Nullable Throwable error) {

	/** The decision: {@code executed}, {@code blocked} or {@code dedup}. */
	public String decision() {
		return this.result.decision();
	}

	/** The reason code. */
	public String policyReason() {
		String reason = this.result.policyReason();
		return (reason != null) ? reason : "";
	}

}
