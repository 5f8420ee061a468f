package tech.onceonly.spring.aop;

/**
 * Carries a checked exception thrown by an intercepted method through the client's
 * {@code Supplier}; the interceptor rethrows its cause unchanged.
 */
final class InvocationFailure extends RuntimeException {

	private static final long serialVersionUID = 1L;

	InvocationFailure(Throwable cause) {
		super(cause.getMessage(), cause, false, false);
	}

	/** {@code failure} without the interceptor's own wrapper. */
	static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while (current instanceof InvocationFailure && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

}
