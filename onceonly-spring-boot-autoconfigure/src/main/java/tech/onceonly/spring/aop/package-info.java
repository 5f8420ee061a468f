/**
 * The AOP advisors and interceptors behind {@code @Idempotent}, {@code @IdempotentAi} and
 * {@code @GovernedTool}: annotation resolution, SpEL keys, result replay into the
 * declared return type, and the startup check for methods a proxy cannot intercept.
 */
@NullMarked
package tech.onceonly.spring.aop;

import org.jspecify.annotations.NullMarked;
