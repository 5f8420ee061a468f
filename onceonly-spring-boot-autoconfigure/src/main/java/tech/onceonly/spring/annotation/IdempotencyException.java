package tech.onceonly.spring.annotation;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.OnceOnlyException;

/**
 * Base type of the exceptions raised by the {@link Idempotent} and {@link IdempotentAi}
 * interceptor; a {@link OnceOnlyException}, so one {@code catch (OnceOnlyException e)}
 * covers the annotations and every backend.
 */
public abstract class IdempotencyException extends OnceOnlyException {

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
