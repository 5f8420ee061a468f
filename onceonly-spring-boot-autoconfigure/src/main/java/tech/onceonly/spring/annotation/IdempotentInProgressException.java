package tech.onceonly.spring.annotation;

/**
 * An {@link IdempotentAi} key is being executed by another caller, and this caller does
 * not wait ({@code waitOnConflict = false}); the method did not run.
 */
public class IdempotentInProgressException extends IdempotencyException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param key the key
	 */
	public IdempotentInProgressException(String key) {
		this("The execution of '" + key + "' is in progress elsewhere", key);
	}

	protected IdempotentInProgressException(String message, String key) {
		super(message, key);
	}

}
