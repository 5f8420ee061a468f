package tech.onceonly.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Handles each webhook delivery once however often the provider re-sends it. Put it on a
 * Spring MVC or WebFlux controller method (or on the controller class for all its handler
 * methods; one on a method wins). Before the handler runs, the delivery id is leased as
 * {@code webhook:<scope>:<id>}:
 * <ul>
 * <li>first delivery: the handler runs; a 2xx answer completes the key, any other answer
 * or an exception releases it so the provider's retry is processed;</li>
 * <li>a delivery already handled: answered with {@code onceonly.webhook.duplicate-status}
 * (200 by default) without running the handler;</li>
 * <li>a delivery still being handled elsewhere: 409 with {@code Retry-After};</li>
 * <li>no id in the request: 400 (RFC 9457 problem details).</li>
 * </ul>
 * The id comes from {@link #key()} when set, else from {@link #header()} when set, else
 * from the {@link #provider()} preset. SpEL variables in {@link #key()}: {@code #headers}
 * (first value of each header, case-insensitive names), {@code #pathVariables},
 * {@code #params} (first value of each query or form parameter) and {@code #body} (the
 * JSON body as a map; empty when the body is not a JSON object). Map entries read as
 * {@code #body['data']['object']['id']} or {@code #body.data.object.id}. The expression
 * (plain SpEL, the annotations' one dialect) is parsed once per method and evaluated in a
 * read-only context (no type references, no constructors, no bean references). Every
 * annotated handler is resolved at startup: a syntax error, a {@code #name} other than
 * these four, or {@link WebhookProvider#GENERIC} without {@link #header()} or
 * {@link #key()} fails the startup naming the handler.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface IdempotentWebhook {

	/** The sender: where the delivery id is and which scope the key is stored under. */
	WebhookProvider provider() default WebhookProvider.GENERIC;

	/**
	 * A header that carries the delivery id (for {@link WebhookProvider#GENERIC}),
	 * overriding the preset.
	 */
	String header() default "";

	/**
	 * A SpEL expression that yields the delivery id, overriding {@link #header()} and the
	 * preset.
	 */
	String key() default "";

	/**
	 * The key scope, for example {@code "stripe-connect"}; empty for the provider's name,
	 * or for the route pattern with {@link WebhookProvider#GENERIC}. Two endpoints that
	 * share a scope share their delivery ids.
	 */
	String scope() default "";

	/**
	 * How long a delivery being handled keeps its key, in seconds; 0 or less for
	 * {@code onceonly.webhook.lease-ttl}. A handler that runs longer than this may be run
	 * again by a retry.
	 */
	long leaseTtlSeconds() default 0;

}
