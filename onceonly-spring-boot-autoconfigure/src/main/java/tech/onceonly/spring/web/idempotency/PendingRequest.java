package tech.onceonly.spring.web.idempotency;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import tech.onceonly.spring.web.WebObservation;

/**
 * A keyed request whose lease this request holds, handed from the interceptor to the
 * filter.
 */
record PendingRequest(String key, String leaseId, String fingerprint, WebObservation observation) {

	private static final String ATTRIBUTE = PendingRequest.class.getName();

	void attach(HttpServletRequest request) {
		request.setAttribute(ATTRIBUTE, this);
	}

	static boolean isAttached(HttpServletRequest request) {
		return request.getAttribute(ATTRIBUTE) != null;
	}

	static @Nullable PendingRequest take(HttpServletRequest request) {
		Object pending = request.getAttribute(ATTRIBUTE);
		request.removeAttribute(ATTRIBUTE);
		return (pending instanceof PendingRequest p) ? p : null;
	}

}
