package tech.onceonly.client;

/**
 * The request was rejected as invalid (HTTP 422, or the local engine's equivalent): the
 * message says what was wrong and what is allowed.
 */
public class ValidationException extends OnceOnlyException {

	private static final long serialVersionUID = 1L;

	public ValidationException(String message) {
		super(message);
	}

}
