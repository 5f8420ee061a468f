package tech.onceonly.spring.web.idempotency;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Names the caller a Spring MVC request comes from, so two callers that pick the same
 * Idempotency-Key never see each other's responses. Declare a bean to replace
 * {@link DefaultIdempotencyKeyScopeResolver}, for example to scope by API client id.
 */
@FunctionalInterface
public interface IdempotencyKeyScopeResolver {

	/**
	 * The caller's scope; never {@code null}, and the same for every request of one
	 * caller.
	 * @param request the request
	 * @return the scope
	 */
	String resolve(HttpServletRequest request);

}
