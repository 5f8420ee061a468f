package tech.onceonly.client;

/**
 * The API could not be reached or did not answer (connection refused, reset, DNS, TLS…).
 */
public class OnceOnlyTransportException extends OnceOnlyException {

	private static final long serialVersionUID = 1L;

	public OnceOnlyTransportException(String message, Throwable cause) {
		super(message, cause);
	}

}
