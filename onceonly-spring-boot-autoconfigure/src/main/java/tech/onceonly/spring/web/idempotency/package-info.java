/**
 * The {@code Idempotency-Key} request header for an application's own POST and PATCH
 * endpoints (IETF draft-ietf-httpapi-idempotency-key-header): header parsing, request
 * fingerprints, stored responses, and the Spring MVC filter and interceptor that replay
 * them on the OnceOnly lease API.
 */
@NullMarked
package tech.onceonly.spring.web.idempotency;

import org.jspecify.annotations.NullMarked;
