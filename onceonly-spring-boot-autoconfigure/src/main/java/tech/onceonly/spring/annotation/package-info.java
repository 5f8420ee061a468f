/**
 * The {@code @Idempotent} (at most once per key per ttl) and {@code @IdempotentAi} (exactly once, result replayed)
 * annotations and the exceptions their interceptor raises.
 */
@NullMarked
package tech.onceonly.spring.annotation;

import org.jspecify.annotations.NullMarked;
