package tech.onceonly.spring.annotation;

/**
 * What an {@link Idempotent} method does when its key was already taken within the ttl.
 * The method body never runs for a duplicate.
 */
public enum OnDuplicate {

	/**
	 * Return {@code null} ({@code void} methods simply return, a {@code CompletionStage}
	 * completes with {@code null}, a {@code Mono} is empty, an {@code Optional} is
	 * empty). Not allowed on methods returning a primitive. This is the default, as in
	 * the Python SDK.
	 */
	RETURN_NULL,

	/**
	 * Throw {@link DuplicateExecutionException} (a {@code CompletionStage} or
	 * {@code Mono} fails with it).
	 */
	THROW,

	/**
	 * Call {@link Idempotent#fallbackMethod()} on the same bean with the same arguments
	 * and return what it returns.
	 */
	FALLBACK

}
