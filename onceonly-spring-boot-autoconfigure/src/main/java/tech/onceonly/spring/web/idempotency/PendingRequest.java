package tech.onceonly.spring.web.idempotency;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import tech.onceonly.spring.web.WebLease;
import tech.onceonly.spring.web.WebObservation;

/**
 * A keyed request whose lease this request holds, handed from the interceptor to the
 * filter; {@code handlerRan} is set once the handler ran to its end.
 */
record PendingRequest(WebLease lease, String fingerprint, WebObservation observation, AtomicBoolean handlerRan) {

	private static final String ATTRIBUTE = PendingRequest.class.getName();

	PendingRequest(WebLease lease, String fingerprint, WebObservation observation) {
		this(lease, fingerprint, observation, new AtomicBoolean());
	}

	void attach(HttpServletRequest request) {
		request.setAttribute(ATTRIBUTE, this);
	}

	static boolean isAttached(HttpServletRequest request) {
		return request.getAttribute(ATTRIBUTE) != null;
	}

	static @Nullable PendingRequest peek(HttpServletRequest request) {
		return (request.getAttribute(ATTRIBUTE) instanceof PendingRequest pending) ? pending : null;
	}

	static @Nullable PendingRequest take(HttpServletRequest request) {
		PendingRequest pending = peek(request);
		request.removeAttribute(ATTRIBUTE);
		return pending;
	}

}
