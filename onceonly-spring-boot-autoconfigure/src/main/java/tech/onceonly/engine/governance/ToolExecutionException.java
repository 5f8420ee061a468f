package tech.onceonly.engine.governance;

/**
 * A registered HTTP tool answered with an error, could not be reached, or timed out on
 * every attempt.
 */
public class ToolExecutionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ToolExecutionException(String message) {
		super(message);
	}

	public ToolExecutionException(String message, Throwable cause) {
		super(message, cause);
	}

}
