package tech.onceonly.client;

/**
 * The root of every failure OnceOnly raises, whatever the backend and entry point: errors
 * answered by the OnceOnly API or a self-hosted server, transport failures of the remote
 * client, store outages of the local engine ({@code StoreException}), governance refusals
 * and the annotations' exceptions ({@code IdempotencyException}). The exceptions of the
 * guarded code itself are never wrapped in it. See {@code docs/errors.md}.
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
