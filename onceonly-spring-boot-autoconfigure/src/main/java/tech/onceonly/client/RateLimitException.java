package tech.onceonly.client;

import org.jspecify.annotations.Nullable;

/**
 * Too many requests (HTTP 429); {@link #getRetryAfterSec()} is the server's
 * {@code Retry-After} in seconds.
 */
public class RateLimitException extends OnceOnlyException {

	private static final long serialVersionUID = 1L;

	public static final String DEFAULT_MESSAGE = "Rate limit exceeded. Please slow down.";

	private final @Nullable Double retryAfterSec;

	public RateLimitException(String message, @Nullable Double retryAfterSec) {
		super(message);
		this.retryAfterSec = retryAfterSec;
	}

	/**
	 * Seconds to wait before retrying, as the server asked, or {@code null} when it did
	 * not say.
	 */
	public @Nullable Double getRetryAfterSec() {
		return this.retryAfterSec;
	}

}
