package tech.onceonly.spring.aop;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;

import tech.onceonly.client.AiResult;
import tech.onceonly.spring.annotation.DuplicateExecutionException;
import tech.onceonly.spring.annotation.OnDuplicate;

/**
 * The {@code CompletionStage} and {@code Mono} paths of
 * {@link OnceOnlyMethodInterceptor}: they go through
 * {@link tech.onceonly.client.OnceOnly#reactive()}, so the caller's thread is never
 * blocked. The method itself is invoked when the returned stage or Mono is subscribed (a
 * {@code CompletionStage} is subscribed at once), on the thread the reactive client
 * completes on, and only after the key was taken.
 */
final class ReactiveInvocations {

	private final OnceOnlyMethodInterceptor interceptor;

	ReactiveInvocations(OnceOnlyMethodInterceptor interceptor) {
		this.interceptor = interceptor;
	}

	Object checkLock(OnceOnlyOperation.CheckLock operation, String key, MethodInvocation invocation) {
		Mono<Object> result = this.interceptor.client()
			.reactive()
			.checkLock(key, operation.ttl(), null, null)
			.flatMap((lock) -> {
				if (!lock.isDuplicate()) {
					return body(operation, invocation);
				}
				if (operation.onDuplicate() == OnDuplicate.THROW) {
					return Mono.error(new DuplicateExecutionException(key, lock.firstSeenAt()));
				}
				if (operation.onDuplicate() == OnDuplicate.FALLBACK) {
					return adapt(operation, () -> this.interceptor.invokeFallback(operation, invocation));
				}
				return Mono.empty();
			});
		return deliver(operation, result);
	}

	Object lease(OnceOnlyOperation.Lease operation, String key, @Nullable Map<String, Object> metadata,
			MethodInvocation invocation) {
		OnceOnlyMethodInterceptor.Outcome outcome = new OnceOnlyMethodInterceptor.Outcome();
		Mono<Object> result = this.interceptor.client()
			.reactive()
			.ai()
			.runFn(key, () -> body(operation, invocation).doOnSuccess(outcome::ran),
					this.interceptor.options(operation, metadata, ReactiveInvocations::unwrap))
			.handle((AiResult answer, SynchronousSink<Object> sink) -> {
				Object value = outcome.ran ? outcome.value : this.interceptor.replay(operation, key, answer);
				if (value != null) {
					sink.next(value);
				}
			});
		return deliver(operation, result);
	}

	private Mono<Object> body(OnceOnlyOperation operation, MethodInvocation invocation) {
		return adapt(operation, invocation::proceed);
	}

	@SuppressWarnings("unchecked")
	private static Mono<Object> adapt(OnceOnlyOperation operation, Call call) {
		return Mono.defer(() -> {
			Object returned;
			try {
				returned = call.call();
			}
			catch (Throwable ex) {
				return Mono.error(ex);
			}
			if (returned == null) {
				return Mono.empty();
			}
			if (operation.returnKind() == ReturnKind.MONO) {
				return (Mono<Object>) returned;
			}
			return Mono.fromCompletionStage((CompletionStage<Object>) returned);
		});
	}

	private static Object deliver(OnceOnlyOperation operation, Mono<Object> result) {
		Mono<Object> unwrapped = result.onErrorMap(ReactiveInvocations::unwrap);
		return (operation.returnKind() == ReturnKind.MONO) ? unwrapped : unwrapped.toFuture();
	}

	static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while (true) {
			Throwable next = InvocationFailure.unwrap(Exceptions.unwrap(current));
			if (next instanceof CompletionException && next.getCause() != null) {
				next = next.getCause();
			}
			if (next == current) {
				return current;
			}
			current = next;
		}
	}

	/** A call that may throw anything. */
	@FunctionalInterface
	private interface Call {

		@Nullable Object call() throws Throwable;

	}

}
