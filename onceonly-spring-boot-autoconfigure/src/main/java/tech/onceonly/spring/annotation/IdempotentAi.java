package tech.onceonly.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Runs the method exactly once per key and replays its result (OnceOnly {@code runFn} on
 * a lease): the caller that takes the lease runs the method and stores its return value;
 * every other caller, sequential or concurrent, receives that stored result converted to
 * the method's declared (generic) return type, and concurrent callers wait for it (see
 * {@link #waitOnConflict()}).
 * <p>
 * Exceptions: by default an exception thrown by the method releases the lease and is
 * rethrown, so a retry runs the method again; exception types listed in {@link #failOn()}
 * are recorded as a terminal failure instead, and later callers get
 * {@link IdempotentExecutionFailedException}. A caller that waited longer than
 * {@link #timeout()} gets {@link IdempotentWaitTimeoutException}.
 * <p>
 * {@link #key()} and {@link #metadata()} are plain SpEL expressions with every parameter
 * by name ({@code #orderId}) and by position ({@code #p0}, {@code #a0});
 * {@code #root.method}, {@code #root.methodName}, {@code #root.args},
 * {@code #root.target}, {@code #root.targetClass}; beans as {@code @beanName}; no type
 * references or constructors. They are parsed at startup, and a syntax error or a
 * {@code #name} that is not a parameter fails the startup naming the method. String
 * attributes accept {@code ${…}} placeholders. On a class, the annotation applies to
 * every public method; one on a method wins.
 * <p>
 * {@link RunOnce @RunOnce} is the same annotation under a name that says what it does for
 * any operation, not only AI calls.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface IdempotentAi {

	/**
	 * SpEL expression for the key, used as it is (no prefix); required, as in the Python
	 * SDK, because the key of an exactly-once operation must name the business operation
	 * ({@code "'charge:' + #order.id"}).
	 */
	String key();

	/**
	 * The lease time: a holder that stops heartbeating loses the key after it, so another
	 * caller may run the method; a duration or a number of seconds. It is not how long
	 * the result is replayed: that is {@code onceonly.local.retention} (or the server's
	 * retention).
	 */
	@AliasFor("ttl")
	String leaseTime() default "300s";

	/**
	 * The lease time under its old name.
	 * @deprecated {@code ttl} means the dedup window on {@link Idempotent}; use
	 * {@link #leaseTime()}, which this attribute is an alias of
	 */
	@Deprecated
	@AliasFor("leaseTime")
	String ttl() default "300s";

	/**
	 * Heartbeat interval while the method runs; empty (the default) for a third of the
	 * lease time, at most 30 s. A set interval must be at most half the lease time, or
	 * the application fails to start with a message naming the method.
	 */
	String extendEvery() default "";

	/**
	 * SpEL expression evaluating to a {@code Map} stored with the lease; empty for none.
	 */
	String metadata() default "";

	/** Whether a caller that finds the method running elsewhere waits for its result. */
	boolean waitOnConflict() default true;

	/** How long such a caller waits before {@link IdempotentWaitTimeoutException}. */
	String timeout() default "60s";

	/**
	 * Exception types recorded as a terminal failure (subclasses included); others
	 * release the lease.
	 */
	Class<? extends Throwable>[] failOn() default {};

	/** Error code recorded for a terminal failure. */
	String errorCode() default "fn_error";

}
