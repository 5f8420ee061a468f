package tech.onceonly.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the method at most once per key within the ttl (OnceOnly check-lock): the first
 * call takes the key and runs, every other call with the same key within the ttl is a
 * duplicate and does not run (see {@link #onDuplicate()}). Nothing is stored about the
 * outcome; use {@link IdempotentAi} to replay a result.
 * <p>
 * The key is {@code "<keyPrefix>:<k>"} where {@code k} is the value of {@link #key()} or,
 * when no key is given, the SHA-256 digest of the method id and its arguments computed as
 * the Python SDK's {@code @idempotent} does.
 * <p>
 * SpEL variables in {@link #key()}: every parameter by name ({@code #orderId}, needs
 * {@code -parameters}) and by position ({@code #p0}, {@code #a0}); {@code #root.method},
 * {@code #root.methodName}, {@code #root.args}, {@code #root.target},
 * {@code #root.targetClass}; beans as {@code @beanName}. String attributes accept
 * {@code ${…}} placeholders. On a class, the annotation applies to every public method;
 * one on a method wins.
 * <p>
 * When the client fails open (the API cannot be reached), the method runs. Calls from
 * inside the same bean (self-invocation) and private, final or static methods are not
 * intercepted.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface Idempotent {

	/**
	 * SpEL expression for the key suffix; empty for the digest of the method id and
	 * arguments.
	 */
	String key() default "";

	/** Prefix of the key, joined with {@code ":"}. */
	String keyPrefix() default "func";

	/**
	 * How long the key stays taken: a duration such as {@code "24h"}, {@code "15m"},
	 * {@code "PT1H"}, or a number of seconds; placeholders allowed.
	 */
	String ttl() default "86400s";

	/** Version of the digest payload ({@code v}); change it to start a new key space. */
	String keyVersion() default "v1";

	/**
	 * Function id in the digest payload ({@code fn}); empty for
	 * {@code "<declaring class>.<method name>"}. Set it to share keys with other
	 * languages or to keep keys stable across renames.
	 */
	String keyId() default "";

	/** What a duplicate call does. */
	OnDuplicate onDuplicate() default OnDuplicate.RETURN_NULL;

	/**
	 * Name of the method called for a duplicate when {@link #onDuplicate()} is
	 * {@link OnDuplicate#FALLBACK}: on the same bean, with the same parameter types and a
	 * compatible return type.
	 */
	String fallbackMethod() default "";

}
