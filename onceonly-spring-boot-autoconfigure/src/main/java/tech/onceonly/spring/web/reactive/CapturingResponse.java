package tech.onceonly.spring.web.reactive;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A response that collects the handler's whole body, hands it to {@code onBody} once (to
 * store it) and only then writes it. Streaming bodies are collected too, so they are sent
 * at the end.
 */
final class CapturingResponse extends ServerHttpResponseDecorator {

	private final Function<byte[], Mono<Void>> onBody;

	private final AtomicBoolean captured = new AtomicBoolean();

	CapturingResponse(ServerHttpResponse delegate, Function<byte[], Mono<Void>> onBody) {
		super(delegate);
		this.onBody = onBody;
	}

	boolean isCaptured() {
		return this.captured.get();
	}

	@Override
	public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
		return DataBufferUtils.join(Flux.from(body))
			.map(ReactiveAnswers::bytes)
			.defaultIfEmpty(ReactiveAnswers.NO_BODY)
			.flatMap((bytes) -> capture(bytes)
				.then(Mono.defer(() -> getDelegate().writeWith(Mono.fromSupplier(() -> bufferFactory().wrap(bytes))))));
	}

	@Override
	public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
		return writeWith(Flux.from(body).concatMap(Flux::from));
	}

	@Override
	public Mono<Void> setComplete() {
		return capture(ReactiveAnswers.NO_BODY).then(Mono.defer(() -> getDelegate().setComplete()));
	}

	private Mono<Void> capture(byte[] bytes) {
		return Mono.defer(() -> this.captured.compareAndSet(false, true) ? this.onBody.apply(bytes) : Mono.empty());
	}

}
