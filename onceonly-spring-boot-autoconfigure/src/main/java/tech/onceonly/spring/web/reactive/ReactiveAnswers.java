package tech.onceonly.spring.web.reactive;

import java.util.Map;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import io.micrometer.observation.Observation;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import tech.onceonly.spring.web.WebObservation;

/**
 * Writing answers, reading bodies and route details on WebFlux, for the OnceOnly filters.
 */
final class ReactiveAnswers {

	static final byte[] NO_BODY = new byte[0];

	private ReactiveAnswers() {
	}

	static Mono<Void> write(ServerWebExchange exchange, int status, String contentType, byte[] body) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatusCode.valueOf(status));
		response.getHeaders().setContentType(MediaType.parseMediaType(contentType));
		response.getHeaders().setContentLength(body.length);
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
	}

	/**
	 * The whole request body, or {@link BodyTooLarge} when it exceeds {@code maxBytes};
	 * empty bodies give an empty array.
	 */
	static Mono<byte[]> readBody(ServerHttpRequest request, long maxBytes) {
		int limit = (int) Math.min(Integer.MAX_VALUE, maxBytes);
		return DataBufferUtils.join(request.getBody(), limit)
			.map(ReactiveAnswers::bytes)
			.defaultIfEmpty(NO_BODY)
			.onErrorMap(DataBufferLimitException.class, (ex) -> new BodyTooLarge(maxBytes));
	}

	static byte[] bytes(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	/**
	 * The exchange with a request whose body is {@code body}, readable as often as
	 * needed.
	 */
	static ServerWebExchange withBody(ServerWebExchange exchange, byte[] body) {
		ServerHttpRequest request = new ServerHttpRequestDecorator(exchange.getRequest()) {

			@Override
			public Flux<DataBuffer> getBody() {
				return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(body)));
			}

		};
		return exchange.mutate().request(request).build();
	}

	@SuppressWarnings("unchecked")
	static Map<String, String> pathVariables(ServerWebExchange exchange) {
		Object variables = exchange.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
		return (variables instanceof Map<?, ?> map) ? (Map<String, String>) map : Map.of();
	}

	/**
	 * Passes the request on down the chain without the handler the OnceOnly filters' own
	 * lookups recorded on it, so {@link #handlerReached} tells whether the
	 * {@code DispatcherHandler} mapped the request to its handler later in the chain
	 * (every handler mapping records the handler it chose). Without these filters the
	 * attribute would not be there yet either.
	 */
	static Mono<Void> proceed(WebFilterChain chain, ServerWebExchange exchange) {
		exchange.getAttributes().remove(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE);
		return chain.filter(exchange);
	}

	/**
	 * Whether the request reached its handler after {@link #proceed}; false when a filter
	 * later in the chain answered instead.
	 */
	static boolean handlerReached(ServerWebExchange exchange) {
		return exchange.getAttributes().containsKey(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE);
	}

	static String route(ServerWebExchange exchange) {
		Object pattern = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
		if (pattern instanceof PathPattern pathPattern) {
			return pathPattern.getPatternString();
		}
		return (pattern != null) ? pattern.toString() : exchange.getRequest().getPath().pathWithinApplication().value();
	}

	/** A body larger than the configured limit. */
	static final class BodyTooLarge extends RuntimeException {

		private static final long serialVersionUID = 1L;

		final long limit;

		BodyTooLarge(long limit) {
			super("The request body is larger than " + limit + " bytes", null, false, false);
			this.limit = limit;
		}

	}

	/**
	 * {@code call} with the request's observation in its Reactor context, so an observed
	 * client records no observation of its own for it (or nests it in the request's when
	 * {@code onceonly.observability.web-client-calls} asks for it).
	 */
	static <T> Mono<T> inObservation(Mono<T> call, WebObservation observation) {
		Observation current = observation.observation();
		return (current != null) ? call.contextWrite((context) -> context.put(WebObservation.CONTEXT_KEY, current))
				: call;
	}

}
