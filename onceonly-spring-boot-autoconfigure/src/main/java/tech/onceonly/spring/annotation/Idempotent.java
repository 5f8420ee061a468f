package tech.onceonly.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Runs the method at most once per key within the dedup window (OnceOnly check-lock): the
 * first call takes the key and runs, every other call with the same key within
 * {@link #dedupWindow()} is a duplicate and does not run (see {@link #onDuplicate()}: by
 * default a {@code void} or {@code Optional} method answers "nothing" and any other
 * method throws {@link DuplicateExecutionException}). Nothing is stored about the
 * outcome; use {@link RunOnce} to run once and replay the result.
 * <p>
 * The key is {@code "<keyPrefix>:<k>"} where {@code k} is the value of {@link #key()} or,
 * when no key is given, the SHA-256 digest of the method id and its arguments computed as
 * the Python SDK's {@code @idempotent} does.
 * <p>
 * {@link #key()} is a plain SpEL expression with every parameter by name
 * ({@code #orderId}, needs {@code -parameters}) and by position ({@code #p0},
 * {@code #a0}); {@code #root.method}, {@code #root.methodName}, {@code #root.args},
 * {@code #root.target}, {@code #root.targetClass}; beans as {@code @beanName}; no type
 * references or constructors. It is parsed at startup, and a syntax error or a
 * {@code #name} that is not a parameter fails the startup naming the method. String
 * attributes accept {@code ${…}} placeholders (see {@code docs/annotations.md}). On a
 * class, the annotation applies to every public method; one on a method wins.
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
	 * The dedup window: how long the key stays taken, so a call with the same key within
	 * it is a duplicate. A duration such as {@code "24h"}, {@code "15m"}, {@code "PT1H"},
	 * or a number of seconds; placeholders allowed.
	 */
	@AliasFor("ttl")
	String dedupWindow() default "86400s";

	/**
	 * The dedup window under its old name.
	 * @deprecated {@code ttl} means the lease time on {@link IdempotentAi}; use
	 * {@link #dedupWindow()}, which this attribute is an alias of
	 */
	@Deprecated
	@AliasFor("dedupWindow")
	String ttl() default "86400s";

	/** Version of the digest payload ({@code v}); change it to start a new key space. */
	String keyVersion() default "v1";

	/**
	 * Function id in the digest payload ({@code fn}); empty for
	 * {@code "<declaring class>.<method name>"}. Set it to share keys with other
	 * languages or to keep keys stable across renames.
	 */
	String keyId() default "";

	/**
	 * What a duplicate call does; {@link OnDuplicate#DEFAULT} answers "nothing" only
	 * where the return type can say so ({@code void}, {@code Optional}, {@code Mono}) and
	 * throws {@link DuplicateExecutionException} otherwise.
	 * {@link OnDuplicate#RETURN_NULL} on a method returning a value fails at startup.
	 */
	OnDuplicate onDuplicate() default OnDuplicate.DEFAULT;

	/**
	 * Name of the method called for a duplicate when {@link #onDuplicate()} is
	 * {@link OnDuplicate#FALLBACK}: on the same bean, with the same parameter types and a
	 * compatible return type.
	 */
	String fallbackMethod() default "";

}
