package tech.onceonly.spring.web.reactive;

import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Names the caller a WebFlux request comes from, so two callers that pick the same
 * Idempotency-Key never see each other's responses. Declare a bean to replace
 * {@link DefaultReactiveIdempotencyKeyScopeResolver}.
 */
@FunctionalInterface
public interface ReactiveIdempotencyKeyScopeResolver {

	/**
	 * The caller's scope; the same for every request of one caller.
	 * @param exchange the exchange
	 * @return the scope (never empty)
	 */
	Mono<String> resolve(ServerWebExchange exchange);

}
