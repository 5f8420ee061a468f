package tech.onceonly.spring.web.webhook;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.WebUtils;

import tech.onceonly.spring.web.CachedBodyRequestWrapper;

/**
 * Makes request bodies re-readable for {@link WebhookIdempotencyInterceptor}: POST, PUT
 * and PATCH requests are wrapped in a {@link CachedBodyRequestWrapper}, which reads
 * nothing unless the interceptor asks for the body of an {@code @IdempotentWebhook}
 * handler, so other handlers stream their bodies as before.
 */
public class WebhookBodyCachingFilter extends OncePerRequestFilter implements Ordered {

	/**
	 * The default order: early, so the wrapper is in place before filters that read
	 * bodies.
	 */
	public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private final long maxBodyBytes;

	private int order = DEFAULT_ORDER;

	/**
	 * A filter.
	 * @param maxBodyBytes the largest body the interceptor may read
	 */
	public WebhookBodyCachingFilter(long maxBodyBytes) {
		this.maxBodyBytes = maxBodyBytes;
	}

	@Override
	public int getOrder() {
		return this.order;
	}

	/** Sets the filter order. */
	public void setOrder(int order) {
		this.order = order;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String method = request.getMethod();
		return !("POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method))
				|| WebUtils.getNativeRequest(request, CachedBodyRequestWrapper.class) != null;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		chain.doFilter(new CachedBodyRequestWrapper(request, this.maxBodyBytes), response);
	}

}
