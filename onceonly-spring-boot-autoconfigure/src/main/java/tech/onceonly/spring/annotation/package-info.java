/**
 * The {@code @Idempotent} (at most once per key per dedup window), {@code @RunOnce} and
 * {@code @IdempotentAi} (exactly once, result replayed), {@code @GovernedTool} (a bean
 * method as a governed agent tool) and {@code @IdempotentWebhook} annotations and the
 * exceptions their interceptors raise. They share one SpEL dialect, parsed and checked at
 * startup (see {@code docs/annotations.md}).
 */
@NullMarked
package tech.onceonly.spring.annotation;

import org.jspecify.annotations.NullMarked;
