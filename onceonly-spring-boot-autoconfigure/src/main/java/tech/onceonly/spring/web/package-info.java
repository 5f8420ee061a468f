/**
 * Web support shared by the webhook and Idempotency-Key features of Spring MVC and
 * WebFlux: problem details, observations, a re-readable request body and digests.
 * Internal: none of it is API a user programs against.
 */
@Internal
@NullMarked
package tech.onceonly.spring.web;

import org.jspecify.annotations.NullMarked;

import tech.onceonly.Internal;
