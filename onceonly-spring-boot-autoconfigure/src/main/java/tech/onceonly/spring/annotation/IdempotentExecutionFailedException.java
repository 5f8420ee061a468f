package tech.onceonly.spring.annotation;

/**
 * The first execution of an {@link IdempotentAi} key failed terminally (an exception
 * listed in {@code failOn}), so its outcome is the recorded failure; the method did not
 * run again.
 */
public class IdempotentExecutionFailedException extends IdempotencyException {

	private static final long serialVersionUID = 1L;

	private final String errorCode;

	/**
	 * Creates the exception.
	 * @param key the key
	 * @param errorCode the recorded error code
	 */
	public IdempotentExecutionFailedException(String key, String errorCode) {
		super("The execution of '" + key + "' failed with error code '" + errorCode + "'", key);
		this.errorCode = errorCode;
	}

	/** The error code recorded for the failure. */
	public String getErrorCode() {
		return this.errorCode;
	}

}
