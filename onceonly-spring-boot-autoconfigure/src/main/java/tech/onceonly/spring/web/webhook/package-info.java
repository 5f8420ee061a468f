/**
 * {@code @IdempotentWebhook}: each webhook delivery handled once, enforced before the
 * handler runs (a Spring MVC interceptor here, a WebFlux filter in
 * {@code tech.onceonly.spring.web.reactive}) on the OnceOnly lease API.
 */
@NullMarked
package tech.onceonly.spring.web.webhook;

import org.jspecify.annotations.NullMarked;
