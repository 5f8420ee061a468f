package tech.onceonly.spring.web.idempotency;

import java.security.Principal;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Scopes keys by {@link HttpServletRequest#getUserPrincipal()} (set by Spring Security or
 * the container) and, when configured, by a tenant header. The tenant header must be set
 * by a trusted gateway: a client could otherwise name another tenant. Requests with
 * neither share the {@code anonymous} scope.
 */
public final class DefaultIdempotencyKeyScopeResolver implements IdempotencyKeyScopeResolver {

	private final @Nullable String tenantHeader;

	/**
	 * A resolver.
	 * @param tenantHeader the tenant header, or {@code null} for none
	 */
	public DefaultIdempotencyKeyScopeResolver(@Nullable String tenantHeader) {
		this.tenantHeader = tenantHeader;
	}

	@Override
	public String resolve(HttpServletRequest request) {
		Principal principal = request.getUserPrincipal();
		String tenant = (this.tenantHeader != null) ? request.getHeader(this.tenantHeader) : null;
		return IdempotencyKeyRules.scope(tenant, (principal != null) ? principal.getName() : null);
	}

}
