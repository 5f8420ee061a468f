/**
 * Auto-configuration of {@code @IdempotentWebhook} and Idempotency-Key support for Spring
 * MVC and WebFlux, from {@code onceonly.webhook.*} and {@code onceonly.idempotency-key.*}
 * properties.
 */
@NullMarked
package tech.onceonly.spring.autoconfigure.web;

import org.jspecify.annotations.NullMarked;
