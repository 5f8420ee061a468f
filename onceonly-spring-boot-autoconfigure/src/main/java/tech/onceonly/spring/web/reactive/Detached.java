package tech.onceonly.spring.web.reactive;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Runs the guarded part of a request on a subscription of its own: a client that
 * disconnects cancels only its view of the work, and the handler runs to its end so its
 * outcome is recorded (a disconnect is not a failure of the work).
 */
final class Detached {

	private Detached() {
	}

	/**
	 * Subscribes to {@code work} at once, with the caller's context, and returns a Mono
	 * that ends when it ends; cancelling the returned Mono does not cancel the work.
	 */
	static Mono<Void> run(Mono<Void> work) {
		return Mono.deferContextual((context) -> {
			Sinks.Empty<Void> done = Sinks.empty();
			work.contextWrite(context).subscribe(null, done::tryEmitError, done::tryEmitEmpty);
			return done.asMono();
		});
	}

}
