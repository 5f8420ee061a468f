package tech.onceonly.spring.annotation;

/**
 * What an {@link Idempotent} method does when its key was already taken within the dedup
 * window. The method body never runs for a duplicate.
 */
public enum OnDuplicate {

	/**
	 * The default: {@link #RETURN_NULL} where "nothing" is a value of the return type
	 * ({@code void}, {@code Optional}, {@code Mono}, {@code CompletionStage<Void>} or
	 * {@code CompletionStage<Optional<…>>}), {@link #THROW} for every other return type,
	 * so a method declared to return a value never silently returns {@code null}.
	 */
	DEFAULT,

	/**
	 * Answer "nothing": {@code void} methods simply return, an {@code Optional} is empty,
	 * a {@code Mono} is empty, a {@code CompletionStage} completes with {@code null}.
	 * Only allowed where "nothing" is a value of the return type ({@code void},
	 * {@code Optional}, {@code Mono}, {@code CompletionStage<Void>} or
	 * {@code CompletionStage<Optional<…>>}); on any other return type the application
	 * fails to start, naming the method, because callers would receive {@code null} where
	 * they expect a value.
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
