package tech.onceonly.spring.annotation;

import java.time.Duration;

/**
 * An {@link IdempotentAi} caller waited for another caller's execution of the same key
 * longer than its {@code timeout}; the method did not run here, and the other execution
 * may still complete.
 */
public class IdempotentWaitTimeoutException extends IdempotentInProgressException {

	private static final long serialVersionUID = 1L;

	private final Duration timeout;

	/**
	 * Creates the exception.
	 * @param key the key
	 * @param timeout how long the caller waited
	 */
	public IdempotentWaitTimeoutException(String key, Duration timeout) {
		super("Timed out after " + timeout + " waiting for the execution of '" + key + "'", key);
		this.timeout = timeout;
	}

	/** How long the caller waited. */
	public Duration getTimeout() {
		return this.timeout;
	}

}
