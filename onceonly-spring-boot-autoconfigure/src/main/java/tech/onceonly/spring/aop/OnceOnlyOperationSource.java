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
import org.springframework.expression.Expression;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.StringValueResolver;

import tech.onceonly.Internal;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.spring.annotation.Idempotent;
import tech.onceonly.spring.annotation.IdempotentAi;
import tech.onceonly.spring.annotation.OnDuplicate;
import tech.onceonly.spring.aop.AnnotationExpressions.Syntax;

/**
 * Finds the {@link Idempotent} or {@link IdempotentAi} annotation of a method (on the
 * method, else on its class) and resolves it once per method and target class:
 * placeholders, durations, return type, fallback method, and the SpEL of {@code key} and
 * {@code metadata}, parsed here once. Misuse (both annotations, {@code RETURN_NULL} on a
 * method that returns a value, a missing fallback, an unsupported return type, a bad
 * duration, a SpEL syntax error, a {@code #name} that is not a parameter) fails when the
 * method is first resolved, which is when its bean is proxied at startup.
 */
@Internal
public final class OnceOnlyOperationSource {

	private static final Optional<OnceOnlyOperation> NONE = Optional.empty();

	private final Map<MethodClassKey, Optional<OnceOnlyOperation>> cache = new ConcurrentHashMap<>(64);

	private final @Nullable StringValueResolver placeholders;

	private final AnnotationExpressions expressions;

	/**
	 * A source resolving {@code ${…}} placeholders with {@code placeholders}.
	 * @param placeholders the resolver, or {@code null} to leave attributes as they are
	 */
	public OnceOnlyOperationSource(@Nullable StringValueResolver placeholders) {
		this(placeholders, new AnnotationExpressions(null));
	}

	/**
	 * A source resolving {@code ${…}} placeholders with {@code placeholders} and parsing
	 * expressions with {@code expressions}.
	 * @param placeholders the resolver, or {@code null} to leave attributes as they are
	 * @param expressions the SpEL dialect of the annotations
	 */
	public OnceOnlyOperationSource(@Nullable StringValueResolver placeholders, AnnotationExpressions expressions) {
		this.placeholders = placeholders;
		this.expressions = expressions;
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
		OnDuplicate onDuplicate = onDuplicate(annotation.onDuplicate(), method, userClass, kind, description);
		Method fallback = null;
		if (onDuplicate == OnDuplicate.FALLBACK) {
			fallback = fallback(annotation, method, userClass, description);
		}
		String keyId = resolve(annotation.keyId());
		String functionId = StringUtils.hasText(keyId) ? keyId
				: ClassUtils.getUserClass(method.getDeclaringClass()).getName() + "." + method.getName();
		String key = resolve(annotation.key());
		Expression keyExpression = StringUtils.hasText(key)
				? this.expressions.parseForMethod(key, Syntax.PLAIN, "@Idempotent", "key", method, description) : null;
		return new OnceOnlyOperation.CheckLock(method, element, kind, description, keyExpression,
				resolve(annotation.keyPrefix()), duration(annotation.dedupWindow(), "dedupWindow", description),
				resolve(annotation.keyVersion()), functionId, onDuplicate, fallback);
	}

	private OnceOnlyOperation.Lease lease(IdempotentAi annotation, Method method, AnnotatedElementKey element,
			ReturnKind kind, String description, ResolvableType returnType) {
		String key = resolve(annotation.key());
		if (!StringUtils.hasText(key)) {
			throw new IllegalStateException("@IdempotentAi on " + description
					+ " needs a key expression that names the operation, e.g. key = \"'charge:' + #order.id\"");
		}
		Expression keyExpression = this.expressions.parseForMethod(key, Syntax.PLAIN, "@IdempotentAi", "key", method,
				description);
		String metadata = resolve(annotation.metadata());
		Expression metadataExpression = StringUtils.hasText(metadata) ? this.expressions.parseForMethod(metadata,
				Syntax.PLAIN, "@IdempotentAi", "metadata", method, description) : null;
		String every = resolve(annotation.extendEvery()).trim();
		Duration extendEvery = every.isEmpty() ? Duration.ZERO : duration(every, "extendEvery", description);
		Duration ttl = duration(annotation.leaseTime(), "leaseTime", description);
		try {
			Heartbeats.checkPeriod(ttl, extendEvery, "@IdempotentAi on " + description);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
		return new OnceOnlyOperation.Lease(method, element, kind, description, keyExpression, ttl, extendEvery,
				metadataExpression, annotation.waitOnConflict(), duration(annotation.timeout(), "timeout", description),
				List.of(annotation.failOn()), resolve(annotation.errorCode()), kind.valueType(returnType));
	}

	/**
	 * The effective duplicate policy: {@code DEFAULT} resolved by the return type, and
	 * {@code RETURN_NULL} refused where {@code null} is not an answer the caller expects.
	 */
	private static OnDuplicate onDuplicate(OnDuplicate declared, Method method, Class<?> userClass, ReturnKind kind,
			String description) {
		boolean nothingIsAnAnswer = switch (kind) {
			case VOID, MONO -> true;
			case VALUE -> method.getReturnType() == Optional.class;
			case COMPLETION_STAGE -> {
				Class<?> value = kind.valueType(ResolvableType.forMethodReturnType(method, userClass)).resolve();
				yield value == Void.class || value == Optional.class;
			}
		};
		if (declared == OnDuplicate.DEFAULT) {
			return nothingIsAnAnswer ? OnDuplicate.RETURN_NULL : OnDuplicate.THROW;
		}
		if (declared == OnDuplicate.RETURN_NULL && !nothingIsAnAnswer) {
			throw new IllegalStateException("@Idempotent(onDuplicate = RETURN_NULL) on " + description + " returns "
					+ method.getGenericReturnType().getTypeName()
					+ ", so a duplicate call would return null where the caller expects a value; use onDuplicate = "
					+ "THROW (or leave the default, which throws DuplicateExecutionException) or FALLBACK, or declare "
					+ "the return type as Optional or void");
		}
		return declared;
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
