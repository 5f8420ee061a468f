package tech.onceonly.ai;

import org.jspecify.annotations.Nullable;

/**
 * The real tool behind a governed call: runs it and returns its result. A {@code String}
 * is the text the model receives; any other value is converted to JSON (and a
 * {@code @GovernedTool} method returns it as it is).
 */
@FunctionalInterface
public interface AgentToolExecution {

	/**
	 * Runs the tool.
	 * @return the tool's result
	 * @throws Exception when the tool fails; governors rethrow it (a checked exception
	 * wrapped in {@link java.lang.reflect.UndeclaredThrowableException})
	 */
	@Nullable Object execute() throws Exception;

	/**
	 * Runs {@code execution}, rethrowing a runtime exception or error as it is and a
	 * checked exception wrapped in
	 * {@link java.lang.reflect.UndeclaredThrowableException}.
	 * @param execution the tool
	 * @return its result
	 */
	static @Nullable Object run(AgentToolExecution execution) {
		try {
			return execution.execute();
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new java.lang.reflect.UndeclaredThrowableException(ex);
		}
	}

}
