package tech.onceonly.spring.aop;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionException;
import org.springframework.util.function.SingletonSupplier;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.Internal;
import tech.onceonly.client.AiResult;
import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.client.WaitOptions;
import tech.onceonly.keys.KeyDerivation;
import tech.onceonly.spring.annotation.DuplicateExecutionException;
import tech.onceonly.spring.annotation.Idempotent;
import tech.onceonly.spring.annotation.IdempotentAi;
import tech.onceonly.spring.annotation.IdempotentExecutionFailedException;
import tech.onceonly.spring.annotation.IdempotentInProgressException;
import tech.onceonly.spring.annotation.IdempotentKeyException;
import tech.onceonly.spring.annotation.IdempotentWaitTimeoutException;
import tech.onceonly.spring.annotation.OnDuplicate;

/**
 * Intercepts {@link Idempotent} methods (check-lock, then run or answer the duplicate)
 * and {@link IdempotentAi} methods ({@code runFn}: run once, replay the stored result).
 * Blocking methods call the blocking client on the caller's thread;
 * {@code CompletionStage} and {@code Mono} methods go through
 * {@link OnceOnly#reactive()}.
 */
@Internal
public final class OnceOnlyMethodInterceptor implements MethodInterceptor {

	private final Supplier<OnceOnly> client;

	private final OnceOnlyOperationSource operations;

	private final AnnotationExpressions expressions;

	private final SingletonSupplier<ResultConverter> results;

	private final SingletonSupplier<KeyDerivation> keys;

	private final SingletonSupplier<ReactiveInvocations> reactive;

	/**
	 * An interceptor.
	 * @param client the client, resolved at the first intercepted call
	 * @param json the mapper for results and key digests, resolved at the first
	 * intercepted call
	 * @param operations resolves the annotations
	 * @param beanFactory resolves {@code @bean} references in expressions, or
	 * {@code null}
	 */
	public OnceOnlyMethodInterceptor(Supplier<OnceOnly> client, Supplier<JsonMapper> json,
			OnceOnlyOperationSource operations, @Nullable BeanFactory beanFactory) {
		this(client, json, operations, new AnnotationExpressions(beanFactory));
	}

	/**
	 * An interceptor evaluating with the given SpEL dialect.
	 * @param client the client, resolved at the first intercepted call
	 * @param json the mapper for results and key digests, resolved at the first
	 * intercepted call
	 * @param operations resolves the annotations (and parses their expressions)
	 * @param expressions evaluates the parsed expressions
	 */
	public OnceOnlyMethodInterceptor(Supplier<OnceOnly> client, Supplier<JsonMapper> json,
			OnceOnlyOperationSource operations, AnnotationExpressions expressions) {
		this.client = SingletonSupplier.of(client);
		this.operations = operations;
		this.expressions = expressions;
		SingletonSupplier<JsonMapper> mapper = SingletonSupplier.of(json);
		this.results = SingletonSupplier.of(() -> new ResultConverter(mapper.obtain()));
		this.keys = SingletonSupplier.of(() -> new KeyDerivation(mapper.obtain()));
		this.reactive = SingletonSupplier.of(() -> new ReactiveInvocations(this));
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : null;
		OnceOnlyOperation operation = this.operations.find(invocation.getMethod(), targetClass);
		if (operation == null) {
			return invocation.proceed();
		}
		Class<?> rootClass = (targetClass != null) ? targetClass : invocation.getMethod().getDeclaringClass();
		if (operation instanceof OnceOnlyOperation.CheckLock checkLock) {
			String key = checkLockKey(checkLock, invocation, rootClass);
			return switch (operation.returnKind()) {
				case VOID, VALUE -> checkLock(checkLock, key, invocation);
				case COMPLETION_STAGE, MONO -> this.reactive.obtain().checkLock(checkLock, key, invocation);
			};
		}
		OnceOnlyOperation.Lease lease = (OnceOnlyOperation.Lease) operation;
		EvaluationContext context = context(lease, invocation, rootClass);
		String key = evaluateKey(lease, lease.keyExpression(), context);
		Map<String, Object> metadata = evaluateMetadata(lease, context);
		return switch (operation.returnKind()) {
			case VOID, VALUE -> lease(lease, key, metadata, invocation);
			case COMPLETION_STAGE, MONO -> this.reactive.obtain().lease(lease, key, metadata, invocation);
		};
	}

	OnceOnly client() {
		return this.client.get();
	}

	private @Nullable Object checkLock(OnceOnlyOperation.CheckLock operation, String key, MethodInvocation invocation)
			throws Throwable {
		CheckLockResult result = client().checkLock(key, operation.ttl());
		if (!result.isDuplicate()) {
			return invocation.proceed();
		}
		if (operation.onDuplicate() == OnDuplicate.THROW) {
			throw new DuplicateExecutionException(key, result.firstSeenAt());
		}
		if (operation.onDuplicate() == OnDuplicate.FALLBACK) {
			return invokeFallback(operation, invocation);
		}
		return (operation.method().getReturnType() == Optional.class) ? Optional.empty() : null;
	}

	private @Nullable Object lease(OnceOnlyOperation.Lease operation, String key,
			@Nullable Map<String, Object> metadata, MethodInvocation invocation) throws Throwable {
		Outcome outcome = new Outcome();
		Supplier<@Nullable Object> body = () -> {
			try {
				return outcome.ran(invocation.proceed());
			}
			catch (RuntimeException | Error ex) {
				throw ex;
			}
			catch (Throwable ex) {
				throw new InvocationFailure(ex);
			}
		};
		AiResult result;
		try {
			result = client().ai().runFn(key, body, options(operation, metadata, InvocationFailure::unwrap));
		}
		catch (InvocationFailure ex) {
			throw InvocationFailure.unwrap(ex);
		}
		return outcome.ran ? outcome.value : replay(operation, key, result);
	}

	RunFnOptions options(OnceOnlyOperation.Lease operation, @Nullable Map<String, Object> metadata,
			Function<Throwable, Throwable> unwrap) {
		Predicate<Throwable> record = (ex) -> operation.recordsFailure(unwrap.apply(ex));
		return RunFnOptions.defaults()
			.withTtl(operation.ttl())
			.withMetadata(metadata)
			.withExtendEvery(operation.extendEvery())
			.withWaitOnConflict(operation.waitOnConflict(), WaitOptions.defaults().withTimeout(operation.timeout()))
			.withFailure(operation.errorCode(), record);
	}

	/**
	 * The first execution's outcome for a caller that did not run the method.
	 * @throws IdempotentExecutionFailedException when the first execution failed
	 * terminally
	 * @throws IdempotentWaitTimeoutException when waiting for it timed out
	 * @throws IdempotentInProgressException when it is still running and the caller does
	 * not wait
	 */
	@Nullable Object replay(OnceOnlyOperation.Lease operation, String key, AiResult result) {
		if (result.isCompleted()) {
			return this.results.obtain().convert(result.result(), operation.valueType());
		}
		if (result.isFailed()) {
			if (result.isWaitTimeout()) {
				throw new IdempotentWaitTimeoutException(key, operation.timeout());
			}
			throw new IdempotentExecutionFailedException(key,
					(result.errorCode() != null) ? result.errorCode() : "unknown");
		}
		throw new IdempotentInProgressException(key);
	}

	@Nullable Object invokeFallback(OnceOnlyOperation.CheckLock operation, MethodInvocation invocation) throws Throwable {
		Method fallback = Objects.requireNonNull(operation.fallback(), "fallback");
		try {
			return fallback.invoke(invocation.getThis(), invocation.getArguments());
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	private String checkLockKey(OnceOnlyOperation.CheckLock operation, MethodInvocation invocation,
			Class<?> rootClass) {
		if (operation.keyExpression() == null) {
			return this.keys.obtain()
				.functionKey(operation.keyPrefix(), operation.keyVersion(), operation.functionId(),
						Arrays.asList(invocation.getArguments()), Map.of());
		}
		EvaluationContext context = context(operation, invocation, rootClass);
		return operation.keyPrefix() + ":" + evaluateKey(operation, operation.keyExpression(), context);
	}

	private EvaluationContext context(OnceOnlyOperation operation, MethodInvocation invocation, Class<?> rootClass) {
		Object target = invocation.getThis();
		return this.expressions.methodContext(operation.method(), invocation.getArguments(),
				(target != null) ? target : rootClass, rootClass);
	}

	private String evaluateKey(OnceOnlyOperation operation, Expression expression, EvaluationContext context) {
		Object value = evaluate(operation, "key", expression, context);
		if (value == null || value.toString().isBlank()) {
			throw new IdempotentKeyException("The key expression '" + expression.getExpressionString() + "' of "
					+ operation.description() + " evaluated to " + ((value == null) ? "null" : "a blank string")
					+ "; the key must name the operation, e.g. \"#order.id\"");
		}
		return value.toString();
	}

	private @Nullable Map<String, Object> evaluateMetadata(OnceOnlyOperation.Lease operation,
			EvaluationContext context) {
		if (operation.metadataExpression() == null) {
			return null;
		}
		Object value = evaluate(operation, "metadata", operation.metadataExpression(), context);
		if (value == null) {
			return null;
		}
		if (!(value instanceof Map<?, ?> map)) {
			throw new IdempotentKeyException("The metadata expression '"
					+ operation.metadataExpression().getExpressionString() + "' of " + operation.description()
					+ " evaluated to a " + value.getClass().getName() + ", not a Map");
		}
		Map<String, Object> metadata = new LinkedHashMap<>();
		map.forEach((k, v) -> metadata.put(String.valueOf(k), v));
		return metadata;
	}

	private @Nullable Object evaluate(OnceOnlyOperation operation, String attribute, Expression expression,
			EvaluationContext context) {
		try {
			return expression.getValue(context);
		}
		catch (ExpressionException ex) {
			throw new IdempotentKeyException("The " + attribute + " expression '" + expression.getExpressionString()
					+ "' of " + operation.description() + " failed: " + ex.getMessage(), ex);
		}
	}

	/** Whether this caller ran the method, and what it returned. */
	static final class Outcome {

		volatile boolean ran;

		volatile @Nullable Object value;

		@Nullable Object ran(@Nullable Object result) {
			this.value = result;
			this.ran = true;
			return result;
		}

	}

}
