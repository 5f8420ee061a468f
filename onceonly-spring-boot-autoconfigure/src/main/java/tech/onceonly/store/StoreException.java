package tech.onceonly.store;

/**
 * The store could not perform an operation (unreachable, full, or answered with an
 * error).
 */
public class StoreException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public StoreException(String message) {
		super(message);
	}

	public StoreException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * What went wrong in {@code cause}, for a message: its text, or its type when it has
	 * none (so a log never ends in {@code : null}).
	 * @param cause the failure of the underlying store
	 * @return the text to append after {@code ": "}
	 */
	public static String describe(Throwable cause) {
		String message = cause.getMessage();
		return (message != null && !message.isBlank()) ? message : cause.getClass().getSimpleName() + " (no message)";
	}

}
