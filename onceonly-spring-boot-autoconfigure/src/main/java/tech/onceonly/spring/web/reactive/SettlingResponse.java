package tech.onceonly.spring.web.reactive;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Mono;

/**
 * A response that hands its status to {@code onCommit} once, when the handler commits its
 * answer and before anything is sent, so the outcome is recorded whether or not the
 * client is still there to receive it. The body is not buffered.
 */
final class SettlingResponse extends ServerHttpResponseDecorator {

	private final IntFunction<Mono<Void>> onCommit;

	private final AtomicBoolean settled = new AtomicBoolean();

	SettlingResponse(ServerHttpResponse delegate, IntFunction<Mono<Void>> onCommit) {
		super(delegate);
		this.onCommit = onCommit;
	}

	boolean isSettled() {
		return this.settled.get();
	}

	@Override
	public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
		return settle().then(Mono.defer(() -> getDelegate().writeWith(body)));
	}

	@Override
	public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
		return settle().then(Mono.defer(() -> getDelegate().writeAndFlushWith(body)));
	}

	@Override
	public Mono<Void> setComplete() {
		return settle().then(Mono.defer(() -> getDelegate().setComplete()));
	}

	private Mono<Void> settle() {
		return Mono.defer(() -> {
			if (!this.settled.compareAndSet(false, true)) {
				return Mono.empty();
			}
			HttpStatusCode code = getDelegate().getStatusCode();
			return this.onCommit.apply((code != null) ? code.value() : 200);
		});
	}

}
