package tech.onceonly.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Runs the method once per key and replays its result to every later or concurrent
 * caller: the neutral name of {@link IdempotentAi}, for any operation whose result a
 * retry must get back (a payment, an order, a model call). Every attribute is an alias of
 * the {@link IdempotentAi} attribute of the same name, and the behaviour, exceptions and
 * startup checks are those of {@link IdempotentAi}.
 *
 * <pre class="code">
 * &#64;RunOnce(key = "'payment:' + #request.orderId()", leaseTime = "2m")
 * public Receipt charge(PaymentRequest request) { … }
 * </pre>
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@IdempotentAi(key = "")
public @interface RunOnce {

	/**
	 * Plain SpEL expression for the key, used as it is (no prefix); it must name the
	 * business operation ({@code "'charge:' + #order.id"}).
	 */
	@AliasFor(annotation = IdempotentAi.class)
	String key();

	/**
	 * The lease time: a holder that stops heartbeating loses the key after it; a duration
	 * or a number of seconds. Not the replay window (see
	 * {@code onceonly.local.retention}).
	 */
	@AliasFor(annotation = IdempotentAi.class)
	String leaseTime() default "300s";

	/**
	 * Heartbeat interval while the method runs; empty for a third of the lease time, at
	 * most 30 s.
	 */
	@AliasFor(annotation = IdempotentAi.class)
	String extendEvery() default "";

	/** Plain SpEL expression evaluating to a {@code Map} stored with the lease. */
	@AliasFor(annotation = IdempotentAi.class)
	String metadata() default "";

	/** Whether a caller that finds the method running elsewhere waits for its result. */
	@AliasFor(annotation = IdempotentAi.class)
	boolean waitOnConflict() default true;

	/** How long such a caller waits before {@link IdempotentWaitTimeoutException}. */
	@AliasFor(annotation = IdempotentAi.class)
	String timeout() default "60s";

	/**
	 * Exception types recorded as a terminal failure (subclasses included); others
	 * release the lease.
	 */
	@AliasFor(annotation = IdempotentAi.class)
	Class<? extends Throwable>[] failOn() default {};

	/** Error code recorded for a terminal failure. */
	@AliasFor(annotation = IdempotentAi.class)
	String errorCode() default "fn_error";

}
