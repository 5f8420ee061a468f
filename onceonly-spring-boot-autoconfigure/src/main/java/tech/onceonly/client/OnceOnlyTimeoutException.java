package tech.onceonly.client;

/** The API did not answer within the configured timeout. */
public class OnceOnlyTimeoutException extends OnceOnlyTransportException {

	private static final long serialVersionUID = 1L;

	public OnceOnlyTimeoutException(String message, Throwable cause) {
		super(message, cause);
	}

}
