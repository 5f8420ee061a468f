package tech.onceonly.client;

/** The API key is missing, invalid or disabled (HTTP 401, or an auth-like 403). */
public class UnauthorizedException extends OnceOnlyException {

	private static final long serialVersionUID = 1L;

	public static final String DEFAULT_MESSAGE = "Invalid API Key (Unauthorized).";

	public UnauthorizedException(String message) {
		super(message);
	}

}
