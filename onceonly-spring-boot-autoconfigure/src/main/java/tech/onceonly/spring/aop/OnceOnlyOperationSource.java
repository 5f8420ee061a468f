package tech.onceonly.spring.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.core.MethodClassKey;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.StringValueResolver;

import tech.onceonly.Internal;
import tech.onceonly.spring.annotation.Idempotent;
import tech.onceonly.spring.annotation.IdempotentAi;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.spring.annotation.OnDuplicate;

/**
 * Finds the {@link Idempotent} or {@link IdempotentAi} annotation of a method (on the
 * method, else on its class) and resolves it once per method and target class:
 * placeholders, durations, return type, fallback method. Misuse (both annotations, a
 * primitive return with {@code RETURN_NULL}, a missing fallback, an unsupported return
 * type, a bad duration) fails when the method is first resolved, which is when its bean
 * is proxied at startup.
 */
@Internal
public final class OnceOnlyOperationSource {

	private static final Optional<OnceOnlyOperation> NONE = Optional.empty();

	private final Map<MethodClassKey, Optional<OnceOnlyOperation>> cache = new ConcurrentHashMap<>(64);

	private final @Nullable StringValueResolver placeholders;

	/**
	 * A source resolving {@code ${…}} placeholders with {@code placeholders}.
	 * @param placeholders the resolver, or {@code null} to leave attributes as they are
	 */
	public OnceOnlyOperationSource(@Nullable StringValueResolver placeholders) {
		this.placeholders = placeholders;
	}

	/**
	 * Whether {@code method} invoked on {@code targetClass} is annotated (directly or
	 * through its class).
	 */
	public boolean isAnnotated(Method method, @Nullable Class<?> targetClass) {
		return find(method, targetClass) != null;
	}

	@Nullable OnceOnlyOperation find(Method method, @Nullable Class<?> targetClass) {
		if (method.getDeclaringClass() == Object.class) {
			return null;
		}
		MethodClassKey cacheKey = new MethodClassKey(method, targetClass);
		Optional<OnceOnlyOperation> cached = this.cache.get(cacheKey);
		if (cached == null) {
			cached = Optional.ofNullable(resolve(method, targetClass));
			this.cache.put(cacheKey, cached.isPresent() ? cached : NONE);
		}
		return cached.orElse(null);
	}

	private @Nullable OnceOnlyOperation resolve(Method method, @Nullable Class<?> targetClass) {
		Class<?> userClass = (targetClass != null) ? ClassUtils.getUserClass(targetClass) : method.getDeclaringClass();
		Method specific = AopUtils.getMostSpecificMethod(method, userClass);
		Idempotent idempotent = findOnMethod(specific, method, Idempotent.class);
		IdempotentAi idempotentAi = findOnMethod(specific, method, IdempotentAi.class);
		String description = describe(userClass, specific);
		if (idempotent != null && idempotentAi != null) {
			throw new IllegalStateException(description + " has both @Idempotent and @IdempotentAi; keep one");
		}
		if (idempotent == null && idempotentAi == null && Modifier.isPublic(specific.getModifiers())) {
			idempotent = findOnClass(specific, userClass, Idempotent.class);
			idempotentAi = findOnClass(specific, userClass, IdempotentAi.class);
			if (idempotent != null && idempotentAi != null) {
				throw new IllegalStateException(
						userClass.getName() + " has both @Idempotent and @IdempotentAi; keep one");
			}
		}
		if (idempotent == null && idempotentAi == null) {
			return null;
		}
		AnnotatedElementKey element = new AnnotatedElementKey(specific, userClass);
		ResolvableType returnType = ResolvableType.forMethodReturnType(specific, userClass);
		ReturnKind kind = ReturnKind.of(specific.getReturnType(), description);
		return (idempotent != null) ? checkLock(idempotent, specific, userClass, element, kind, description) : lease(
				java.util.Objects.requireNonNull(idempotentAi), specific, element, kind, description, returnType);
	}

	private OnceOnlyOperation.CheckLock checkLock(Idempotent annotation, Method method, Class<?> userClass,
			AnnotatedElementKey element, ReturnKind kind, String description) {
		if (annotation.onDuplicate() == OnDuplicate.RETURN_NULL && method.getReturnType().isPrimitive()
				&& kind != ReturnKind.VOID) {
			throw new IllegalStateException(description + " returns the primitive " + method.getReturnType()
					+ ", so @Idempotent(onDuplicate = RETURN_NULL) cannot answer a duplicate; use THROW or FALLBACK, "
					+ "or return a wrapper type");
		}
		Method fallback = null;
		if (annotation.onDuplicate() == OnDuplicate.FALLBACK) {
			fallback = fallback(annotation, method, userClass, description);
		}
		String keyId = resolve(annotation.keyId());
		String functionId = StringUtils.hasText(keyId) ? keyId
				: ClassUtils.getUserClass(method.getDeclaringClass()).getName() + "." + method.getName();
		String key = resolve(annotation.key());
		return new OnceOnlyOperation.CheckLock(method, element, kind, description,
				StringUtils.hasText(key) ? key : null, resolve(annotation.keyPrefix()),
				duration(annotation.ttl(), "ttl", description), resolve(annotation.keyVersion()), functionId,
				annotation.onDuplicate(), fallback);
	}

	private OnceOnlyOperation.Lease lease(IdempotentAi annotation, Method method, AnnotatedElementKey element,
			ReturnKind kind, String description, ResolvableType returnType) {
		String key = resolve(annotation.key());
		if (!StringUtils.hasText(key)) {
			throw new IllegalStateException("@IdempotentAi on " + description + " needs a key expression");
		}
		String metadata = resolve(annotation.metadata());
		String every = resolve(annotation.extendEvery()).trim();
		Duration extendEvery = every.isEmpty() ? Duration.ZERO : duration(every, "extendEvery", description);
		Duration ttl = duration(annotation.ttl(), "ttl", description);
		try {
			Heartbeats.checkPeriod(ttl, extendEvery, "@IdempotentAi on " + description);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
		return new OnceOnlyOperation.Lease(method, element, kind, description, key, ttl, extendEvery,
				StringUtils.hasText(metadata) ? metadata : null, annotation.waitOnConflict(),
				duration(annotation.timeout(), "timeout", description), List.of(annotation.failOn()),
				resolve(annotation.errorCode()), kind.valueType(returnType));
	}

	private Method fallback(Idempotent annotation, Method method, Class<?> userClass, String description) {
		String name = resolve(annotation.fallbackMethod());
		if (!StringUtils.hasText(name)) {
			throw new IllegalStateException(description + " uses onDuplicate = FALLBACK but names no fallbackMethod");
		}
		Method fallback = ReflectionUtils.findMethod(userClass, name, method.getParameterTypes());
		if (fallback == null) {
			throw new IllegalStateException("Fallback method " + name + "("
					+ Arrays.stream(method.getParameterTypes())
						.map(Class::getSimpleName)
						.collect(Collectors.joining(", "))
					+ ") of " + description + " not found on " + userClass.getName());
		}
		if (!ClassUtils.isAssignable(method.getReturnType(), fallback.getReturnType())) {
			throw new IllegalStateException("Fallback method " + fallback + " returns " + fallback.getReturnType()
					+ ", not assignable to the return type of " + description);
		}
		ReflectionUtils.makeAccessible(fallback);
		return fallback;
	}

	private String resolve(String value) {
		if (this.placeholders == null || !value.contains("${")) {
			return value;
		}
		String resolved = this.placeholders.resolveStringValue(value);
		return (resolved != null) ? resolved : value;
	}

	private Duration duration(String value, String attribute, String description) {
		String resolved = resolve(value).trim();
		try {
			Duration duration = DurationStyle.detectAndParse(resolved, ChronoUnit.SECONDS);
			if (duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException("must be positive");
			}
			return duration;
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException(
					"Invalid " + attribute + " '" + value + "' on " + description
							+ ": use a positive duration such as \"24h\", \"30s\" or \"PT5M\", or a number of seconds",
					ex);
		}
	}

	private static <A extends java.lang.annotation.Annotation> @Nullable A findOnMethod(Method specific,
			Method original, Class<A> type) {
		A found = AnnotatedElementUtils.findMergedAnnotation(specific, type);
		if (found == null && specific != original) {
			found = AnnotatedElementUtils.findMergedAnnotation(original, type);
		}
		return found;
	}

	private static <A extends java.lang.annotation.Annotation> @Nullable A findOnClass(Method specific,
			Class<?> userClass, Class<A> type) {
		A found = AnnotatedElementUtils.findMergedAnnotation(userClass, type);
		if (found == null) {
			found = AnnotatedElementUtils.findMergedAnnotation(specific.getDeclaringClass(), type);
		}
		return found;
	}

	static String describe(Class<?> userClass, Method method) {
		return userClass.getSimpleName() + "." + method.getName() + "("
				+ Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "))
				+ ")";
	}

}
