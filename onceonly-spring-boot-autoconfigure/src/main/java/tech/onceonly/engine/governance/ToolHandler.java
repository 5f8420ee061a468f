package tech.onceonly.engine.governance;

import org.jspecify.annotations.Nullable;

/**
 * A local Java tool: executes an allowed call and returns its result (a map, a value, or
 * {@code null}).
 */
@FunctionalInterface
public interface ToolHandler {

	/**
	 * Executes the call.
	 * @param invocation the call
	 * @return the result; a value that is not a JSON object is stored as {@code {"value":
	 * …}}
	 * @throws Exception when the tool fails (answered as {@code tool_error})
	 */
	@Nullable Object handle(ToolInvocation invocation) throws Exception;

}
