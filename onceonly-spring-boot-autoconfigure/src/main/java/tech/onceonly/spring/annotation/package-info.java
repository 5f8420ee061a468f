/**
 * The {@code @Idempotent} (at most once per key per ttl), {@code @IdempotentAi} (exactly
 * once, result replayed) and {@code @GovernedTool} (a bean method as a governed agent
 * tool) annotations and the exceptions their interceptors raise.
 */
@NullMarked
package tech.onceonly.spring.annotation;

import org.jspecify.annotations.NullMarked;
