package tech.onceonly.spring.aop;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.core.ResolvableType;
import org.springframework.expression.Expression;

import tech.onceonly.spring.annotation.OnDuplicate;

/**
 * An annotated method, resolved once: its annotation's attributes with placeholders
 * resolved and durations parsed.
 */
sealed interface OnceOnlyOperation permits OnceOnlyOperation.CheckLock, OnceOnlyOperation.Lease {

	/**
	 * The most specific method (on the target class), used for parameter names and in
	 * messages.
	 */
	Method method();

	/** The method and its target class. */
	AnnotatedElementKey element();

	/** How the method delivers its result. */
	ReturnKind returnKind();

	/** {@code Class.method(ParamType, …)}, for messages. */
	String description();

	/**
	 * An {@code @Idempotent} method.
	 *
	 * @param keyExpression the key's parsed SpEL, or {@code null} for the digest
	 * @param fallback the fallback method for {@link OnDuplicate#FALLBACK}
	 */
	record CheckLock(Method method, AnnotatedElementKey element, ReturnKind returnKind, String description,
			@Nullable Expression keyExpression, String keyPrefix, Duration ttl, String keyVersion, String functionId,
			OnDuplicate onDuplicate, @Nullable Method fallback) implements OnceOnlyOperation {
	}

	/**
	 * An {@code @IdempotentAi} method.
	 *
	 * @param valueType the declared result type, unwrapped from a future or Mono
	 * @param keyExpression the key's parsed SpEL
	 * @param metadataExpression the metadata's parsed SpEL, or {@code null}
	 */
	record Lease(Method method, AnnotatedElementKey element, ReturnKind returnKind, String description,
			Expression keyExpression, Duration ttl, Duration extendEvery, @Nullable Expression metadataExpression,
			boolean waitOnConflict, Duration timeout, List<Class<? extends Throwable>> failOn, String errorCode,
			ResolvableType valueType) implements OnceOnlyOperation {

		/** Whether {@code failure} is recorded as a terminal failure. */
		boolean recordsFailure(Throwable failure) {
			for (Class<? extends Throwable> type : this.failOn) {
				if (type.isInstance(failure)) {
					return true;
				}
			}
			return false;
		}

	}

}
