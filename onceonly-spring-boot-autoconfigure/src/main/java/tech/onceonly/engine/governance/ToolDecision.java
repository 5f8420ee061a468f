package tech.onceonly.engine.governance;

import org.jspecify.annotations.Nullable;

/**
 * What {@link ToolCallPipeline#decide} answered: either a final answer (blocked, or a
 * dedup replay of an identical call) or a pending call that may run now.
 *
 * @param answer the final answer, {@code null} when the call may run
 * @param pending the call that may run, {@code null} when {@code answer} is final
 */
public record ToolDecision(@Nullable ToolCallOutcome answer, @Nullable PendingToolCall pending) {

	/** Whether the caller may run the tool now. */
	public boolean mayRun() {
		return this.pending != null;
	}

}
