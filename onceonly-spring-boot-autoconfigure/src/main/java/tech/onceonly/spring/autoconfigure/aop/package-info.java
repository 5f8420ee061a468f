/**
 * Auto-configuration of the {@code @Idempotent} and {@code @IdempotentAi} advisor.
 */
@NullMarked
package tech.onceonly.spring.autoconfigure.aop;

import org.jspecify.annotations.NullMarked;
