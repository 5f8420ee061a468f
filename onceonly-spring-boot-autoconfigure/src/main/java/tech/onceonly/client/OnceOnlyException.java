package tech.onceonly.client;

/**
 * Base type of every error the OnceOnly client raises for an answer of the OnceOnly API
 * (or of the local engine, which answers with the same errors).
 */
public class OnceOnlyException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public OnceOnlyException(String message) {
		super(message);
	}

	public OnceOnlyException(String message, Throwable cause) {
		super(message, cause);
	}

}
