package tech.onceonly.server.auth;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import tech.onceonly.server.limits.Plans;
import tech.onceonly.server.limits.RateLimiter;
import tech.onceonly.server.web.ErrorBodies;

/**
 * Authenticates {@code /v1} requests by their Bearer API key and applies the key's rate
 * limit: 401 without a token, 403 for an unknown or disabled key, 429 with
 * {@code Retry-After} over the limit. The caller is then put in the request attribute
 * {@link Caller#ATTRIBUTE}. The presented key is never logged or echoed.
 */
public final class ApiKeyFilter extends OncePerRequestFilter {

	private final ApiKeyRegistry registry;

	private final RateLimiter rateLimiter;

	private final Plans plans;

	private final ErrorBodies errors;

	/** A filter over the registry, limiter and plans. */
	public ApiKeyFilter(ApiKeyRegistry registry, RateLimiter rateLimiter, Plans plans, ErrorBodies errors) {
		this.registry = registry;
		this.rateLimiter = rateLimiter;
		this.plans = plans;
		this.errors = errors;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String token = bearerToken(request.getHeader("Authorization"));
		if (token == null) {
			response.setHeader("WWW-Authenticate", "Bearer");
			this.errors.write(response, 401, Map.of("detail", "Missing Authorization Bearer token"));
			return;
		}
		ApiKeyRegistry.Entry key = this.registry.find(token);
		if (key == null) {
			this.errors.write(response, 403, Map.of("detail", "Invalid API key"));
			return;
		}
		if (!key.enabled()) {
			this.errors.write(response, 403, Map.of("detail", "API key disabled"));
			return;
		}
		long retryAfter = this.rateLimiter.tryAcquire(key.id(), this.plans.requestsPerSecond(key.plan()),
				this.plans.burst(key.plan()));
		if (retryAfter > 0) {
			response.setHeader("Retry-After", Long.toString(retryAfter));
			this.errors.write(response, 429, Map.of("detail", "Rate limit exceeded"));
			return;
		}
		request.setAttribute(Caller.ATTRIBUTE, new Caller(key.tenant(), key.plan(), key.id()));
		chain.doFilter(request, response);
	}

	private static String bearerToken(String header) {
		if (header == null) {
			return null;
		}
		String value = header.trim();
		if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return null;
		}
		String token = value.substring(7).trim();
		return token.isEmpty() ? null : token;
	}

}
