package tech.onceonly.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a Spring MVC or WebFlux endpoint honour the {@code Idempotency-Key} request
 * header (IETF draft-ietf-httpapi-idempotency-key-header): the first request with a key
 * is processed and its response (status, chosen headers, body) stored; a retry with the
 * same key and the same payload gets that response replayed with
 * {@code Idempotent-Replayed: true}; the same key with another payload gets 422; a retry
 * while the first is still being processed gets 409 with {@code Retry-After}; a missing
 * key gets 400 when {@link #required()}. Keys are scoped by caller, HTTP method and
 * route. On a class, it applies to every handler method; one on a method wins.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface IdempotencyKey {

	/**
	 * Whether a request without the header is refused with 400; when false it is
	 * processed unguarded.
	 */
	boolean required() default true;

	/**
	 * How long a request being processed keeps its key, in seconds; 0 or less for
	 * {@code onceonly.idempotency-key.lease-ttl}.
	 */
	long leaseTtlSeconds() default 0;

}
