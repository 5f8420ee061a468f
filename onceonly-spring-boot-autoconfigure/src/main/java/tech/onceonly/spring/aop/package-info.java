/**
 * The AOP advisor and interceptor behind {@code @Idempotent} and {@code @IdempotentAi}: annotation resolution, SpEL
 * keys, result replay into the declared return type, and the startup check for methods a proxy cannot intercept.
 */
@NullMarked
package tech.onceonly.spring.aop;

import org.jspecify.annotations.NullMarked;
