package tech.onceonly.spring.annotation;

import org.jspecify.annotations.Nullable;

/**
 * An {@link Idempotent} method with {@code onDuplicate = THROW} was called again with a
 * key taken within its ttl; the method did not run.
 */
public class DuplicateExecutionException extends IdempotencyException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String firstSeenAt;

	/**
	 * Creates the exception.
	 * @param key the key
	 * @param firstSeenAt when the key was first taken (ISO-8601), if known
	 */
	public DuplicateExecutionException(String key, @Nullable String firstSeenAt) {
		super("Duplicate execution of '" + key + "' (first seen at " + firstSeenAt + ")", key);
		this.firstSeenAt = firstSeenAt;
	}

	/** When the key was first taken (ISO-8601), if known. */
	public @Nullable String getFirstSeenAt() {
		return this.firstSeenAt;
	}

}
