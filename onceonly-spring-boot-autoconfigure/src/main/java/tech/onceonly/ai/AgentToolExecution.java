package tech.onceonly.ai;

import org.jspecify.annotations.Nullable;

/**
 * The real tool behind a governed call: runs it and returns the text the model receives.
 */
@FunctionalInterface
public interface AgentToolExecution {

	/**
	 * Runs the tool.
	 * @return the tool's result as the model receives it
	 */
	@Nullable String execute();

}
