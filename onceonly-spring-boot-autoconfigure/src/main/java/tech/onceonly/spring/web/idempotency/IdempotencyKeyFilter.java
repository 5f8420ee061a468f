package tech.onceonly.spring.web.idempotency;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.WebUtils;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OutcomeUnknownException;
import tech.onceonly.spring.web.CachedBodyRequestWrapper;
import tech.onceonly.spring.web.ServletAnswers;

/**
 * The servlet half of Idempotency-Key support: wraps each request that carries an
 * {@code Idempotency-Key} header so {@link IdempotencyKeyInterceptor} can fingerprint its
 * body and, for a guarded handler only, capture its response (others pass through
 * untouched and stream as usual); once a guarded handler has answered, stores the
 * response with the lease's completion (or releases the key, following
 * {@link IdempotencyKeyRules}) and only then sends it. A response body larger than
 * {@code maxStoredBodyBytes} is streamed as it is written and stored without its body.
 * Only the answer of a handler that ran to its end is stored; storing is retried while
 * the lease is held, and a response that cannot be stored is reported and sent as it is,
 * without releasing the key. Requests without the header pass untouched.
 */
public class IdempotencyKeyFilter extends OncePerRequestFilter implements Ordered {

	/** The default order: early, so the response is captured whole. */
	public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private final IdempotencyKeyRules rules;

	private int order = DEFAULT_ORDER;

	/**
	 * A filter.
	 * @param onceOnly the OnceOnly client (any backend); the interceptor's lease records
	 * the outcome, so it is not used here
	 * @param settings the settings (shared with the interceptor)
	 */
	public IdempotencyKeyFilter(OnceOnly onceOnly, IdempotencyKeySettings settings) {
		this.rules = new IdempotencyKeyRules(settings);
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
		return request.getHeader(IdempotencyKeyHeader.NAME) == null;
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return false;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		HttpServletRequest req = request;
		if (WebUtils.getNativeRequest(request, CachedBodyRequestWrapper.class) == null) {
			req = new CachedBodyRequestWrapper(request, this.rules.settings().maxRequestBodyBytes());
		}
		CapturingResponseWrapper captured = WebUtils.getNativeResponse(response, CapturingResponseWrapper.class);
		HttpServletResponse res = response;
		if (captured == null) {
			captured = new CapturingResponseWrapper(response, this.rules.settings().maxStoredBodyBytes());
			res = captured;
		}
		try {
			chain.doFilter(req, res);
		}
		catch (IOException | ServletException | RuntimeException | Error ex) {
			release(req, ex);
			throw ex;
		}
		if (req.isAsyncStarted()) {
			return;
		}
		finish(req, captured);
	}

	private void finish(HttpServletRequest request, CapturingResponseWrapper response) throws IOException {
		PendingRequest pending = PendingRequest.take(request);
		if (pending != null) {
			int status = response.getStatus();
			if (!pending.handlerRan().get()) {
				if (ServletAnswers.asyncTimedOut(request, null)) {
					pending.lease().abandon();
				}
				else {
					pending.lease().release("answered " + status + " without running the handler");
				}
				pending.observation().stop(IdempotencyKeyRules.FAILED, null);
			}
			else if (this.rules.stores(status)) {
				StoredResponse stored = this.rules.toStored(status,
						this.rules.storedHeaders((name) -> headerValues(response, name)), response.capturedBody(),
						pending.fingerprint());
				OutcomeUnknownException unknown = pending.lease().complete(stored.toResult(), pending.fingerprint());
				pending.observation().stop(IdempotencyKeyRules.EXECUTED, unknown);
			}
			else {
				pending.lease().release("answered " + status);
				pending.observation().stop(IdempotencyKeyRules.FAILED, null);
			}
		}
		response.send();
	}

	private void release(HttpServletRequest request, Throwable failure) {
		PendingRequest pending = PendingRequest.take(request);
		if (pending != null) {
			if (ServletAnswers.asyncTimedOut(request, failure)) {
				pending.lease().abandon();
			}
			else {
				pending.lease().release("threw " + failure.getClass().getSimpleName());
			}
			pending.observation().stop(IdempotencyKeyRules.FAILED, failure);
		}
	}

	static List<String> headerValues(HttpServletResponse response, String name) {
		List<String> values = new ArrayList<>(response.getHeaders(name));
		if (values.isEmpty() && name.equalsIgnoreCase("Content-Type")) {
			@Nullable String type = response.getContentType();
			if (type != null) {
				values.add(type);
			}
		}
		return values;
	}

}
