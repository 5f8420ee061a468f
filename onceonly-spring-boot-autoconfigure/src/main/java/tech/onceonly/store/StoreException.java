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

}
