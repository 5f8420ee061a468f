/**
 * The WebFlux side of {@code @IdempotentWebhook} and Idempotency-Key support:
 * {@code WebFilter}s on the reactive OnceOnly client. Nothing here is loaded by Spring
 * MVC applications.
 */
@NullMarked
package tech.onceonly.spring.web.reactive;

import org.jspecify.annotations.NullMarked;
