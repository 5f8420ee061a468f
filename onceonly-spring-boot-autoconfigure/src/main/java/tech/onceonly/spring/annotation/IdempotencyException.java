package tech.onceonly.spring.annotation;

import org.jspecify.annotations.Nullable;

/**
 * Base type of the exceptions raised by the {@link Idempotent} and {@link IdempotentAi}
 * interceptor.
 */
public abstract class IdempotencyException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String key;

	protected IdempotencyException(String message, @Nullable String key) {
		super(message);
		this.key = key;
	}

	/** The idempotency key, when it was derived. */
	public @Nullable String getKey() {
		return this.key;
	}

}
