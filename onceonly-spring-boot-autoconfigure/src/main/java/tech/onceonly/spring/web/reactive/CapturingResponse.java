package tech.onceonly.spring.web.reactive;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A response that collects the handler's body up to a limit, hands it to {@code onBody}
 * once (to store it) and only then writes it. A body that grows past the limit is not
 * held: what was collected is written at once, the rest streams as it is produced, and
 * {@code onBody} gets {@code null} (nothing to store) when the body has been written.
 */
final class CapturingResponse extends ServerHttpResponseDecorator {

	private final long limit;

	private final Function<byte @Nullable [], Mono<Void>> onBody;

	private final AtomicBoolean captured = new AtomicBoolean();

	CapturingResponse(ServerHttpResponse delegate, long limit, Function<byte @Nullable [], Mono<Void>> onBody) {
		super(delegate);
		this.limit = limit;
		this.onBody = onBody;
	}

	boolean isCaptured() {
		return this.captured.get();
	}

	@Override
	public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
		AtomicLong seen = new AtomicLong();
		// one list per element once past the limit; a single list when the whole body
		// fits
		return Flux.<DataBuffer>from(body)
			.bufferUntil((buffer) -> seen.addAndGet(buffer.readableByteCount()) > this.limit)
			.switchOnFirst((first, lists) -> {
				List<DataBuffer> head = first.get();
				if (head == null || seen.get() <= this.limit) {
					return lists.collectList().flatMap((all) -> {
						byte[] bytes = join(all);
						return capture(bytes).then(Mono.defer(
								() -> getDelegate().writeWith(Mono.fromSupplier(() -> bufferFactory().wrap(bytes)))));
					});
				}
				return getDelegate().writeWith(lists.concatMapIterable((list) -> list)).then(capture(null));
			}, false)
			.then();
	}

	private static byte[] join(List<List<DataBuffer>> lists) {
		int size = 0;
		for (List<DataBuffer> list : lists) {
			for (DataBuffer buffer : list) {
				size += buffer.readableByteCount();
			}
		}
		byte[] bytes = new byte[size];
		int at = 0;
		for (List<DataBuffer> list : lists) {
			for (DataBuffer buffer : list) {
				int length = buffer.readableByteCount();
				buffer.read(bytes, at, length);
				at += length;
				DataBufferUtils.release(buffer);
			}
		}
		return bytes;
	}

	@Override
	public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
		return writeWith(Flux.from(body).concatMap(Flux::from));
	}

	@Override
	public Mono<Void> setComplete() {
		return capture(ReactiveAnswers.NO_BODY).then(Mono.defer(() -> getDelegate().setComplete()));
	}

	private Mono<Void> capture(byte @Nullable [] bytes) {
		return Mono.defer(() -> this.captured.compareAndSet(false, true) ? this.onBody.apply(bytes) : Mono.empty());
	}

}
