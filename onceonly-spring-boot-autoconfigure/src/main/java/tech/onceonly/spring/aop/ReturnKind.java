package tech.onceonly.spring.aop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * How an intercepted method delivers its result.
 */
enum ReturnKind {

	/** {@code void} or {@code Void}. */
	VOID,

	/** A plain value, returned when the method returns. */
	VALUE,

	/** {@code CompletableFuture} or {@code CompletionStage}. */
	COMPLETION_STAGE,

	/** Reactor {@code Mono}. */
	MONO;

	private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Mono",
			ReturnKind.class.getClassLoader());

	/**
	 * The kind of a method's return type.
	 * @throws IllegalStateException for return types that cannot be handled (Flux, other
	 * publishers, subclasses of CompletableFuture)
	 */
	static ReturnKind of(Class<?> returnType, String method) {
		if (returnType == void.class || returnType == Void.class) {
			return VOID;
		}
		if (returnType == CompletableFuture.class || returnType == CompletionStage.class) {
			return COMPLETION_STAGE;
		}
		if (CompletionStage.class.isAssignableFrom(returnType)) {
			throw new IllegalStateException(method + " returns " + returnType.getName()
					+ ": declare CompletableFuture or CompletionStage instead");
		}
		if (REACTOR_PRESENT && ReactorTypes.isMono(returnType)) {
			return MONO;
		}
		if (REACTOR_PRESENT && ReactorTypes.isOtherPublisher(returnType)) {
			throw new IllegalStateException(method + " returns " + returnType.getName()
					+ ": only Mono is supported among reactive types (collect a Flux into a Mono<List<T>>)");
		}
		return VALUE;
	}

	/**
	 * The type the result is stored and replayed as: the declared type, unwrapped from
	 * its future or Mono.
	 */
	ResolvableType valueType(ResolvableType returnType) {
		return switch (this) {
			case VOID -> ResolvableType.forClass(Void.class);
			case VALUE -> returnType;
			case COMPLETION_STAGE -> returnType.as(CompletionStage.class).getGeneric(0);
			case MONO -> returnType.getGeneric(0);
		};
	}

	/** Reactor type checks, loaded only when Reactor is present. */
	private static final class ReactorTypes {

		static boolean isMono(Class<?> type) {
			return reactor.core.publisher.Mono.class.isAssignableFrom(type);
		}

		static boolean isOtherPublisher(Class<?> type) {
			return org.reactivestreams.Publisher.class.isAssignableFrom(type);
		}

	}

}
