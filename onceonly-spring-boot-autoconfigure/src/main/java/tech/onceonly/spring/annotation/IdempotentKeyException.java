package tech.onceonly.spring.annotation;

/**
 * The key (or metadata) expression of an {@link Idempotent} or {@link IdempotentAi}
 * method evaluated to {@code null}, a blank string or a value of the wrong type; the
 * message names the method and the expression.
 */
public class IdempotentKeyException extends IdempotencyException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message names the method and the expression
	 */
	public IdempotentKeyException(String message) {
		super(message, null);
	}

	/**
	 * Creates the exception for an expression that could not be evaluated.
	 * @param message names the method and the expression
	 * @param cause the evaluation failure
	 */
	public IdempotentKeyException(String message, Throwable cause) {
		super(message, null);
		initCause(cause);
	}

}
