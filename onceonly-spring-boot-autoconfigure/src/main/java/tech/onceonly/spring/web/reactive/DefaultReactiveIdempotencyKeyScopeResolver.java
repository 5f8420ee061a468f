package tech.onceonly.spring.web.reactive;

import java.security.Principal;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import tech.onceonly.spring.web.idempotency.IdempotencyKeyRules;

/**
 * Scopes keys by {@link ServerWebExchange#getPrincipal()} and, when configured, by a
 * tenant header set by a trusted gateway; requests with neither share the
 * {@code anonymous} scope.
 */
public final class DefaultReactiveIdempotencyKeyScopeResolver implements ReactiveIdempotencyKeyScopeResolver {

	private final @Nullable String tenantHeader;

	/**
	 * A resolver.
	 * @param tenantHeader the tenant header, or {@code null} for none
	 */
	public DefaultReactiveIdempotencyKeyScopeResolver(@Nullable String tenantHeader) {
		this.tenantHeader = tenantHeader;
	}

	@Override
	public Mono<String> resolve(ServerWebExchange exchange) {
		String tenant = (this.tenantHeader != null) ? exchange.getRequest().getHeaders().getFirst(this.tenantHeader)
				: null;
		return exchange.getPrincipal()
			.map(Principal::getName)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.map((principal) -> IdempotencyKeyRules.scope(tenant, principal.orElse(null)));
	}

}
