package tech.onceonly.server.web;

import java.util.LinkedHashMap;
import java.util.Map;

import tech.onceonly.client.LeaseStatus;

/**
 * The statuses of {@code /ai/status} and {@code /ai/result} in the hosted API's
 * vocabulary. The engine also knows leases that were released (cancelled), that expired
 * without an outcome, and keys it never saw; the official SDKs' waiters stop only on
 * {@code completed} and {@code failed} and would wait out their whole timeout on any
 * other word. So these answer {@code "status": "failed"} with {@code ok: false} and an
 * {@code error_code} saying why ({@code lease_released}, {@code lease_expired},
 * {@code not_found}), and keep the engine's word in {@code lease_state}, from which the
 * Java client still sees a free key it may take over.
 */
final class WireStatuses {

	/** The field keeping the engine's own status word. */
	static final String LEASE_STATE = "lease_state";

	private static final Map<String, String> ERROR_CODES = Map.of(LeaseStatus.RELEASED.wireValue(), "lease_released",
			LeaseStatus.EXPIRED.wireValue(), "lease_expired", LeaseStatus.NOT_FOUND.wireValue(), "not_found");

	private WireStatuses() {
	}

	/** {@code raw} with a free or unknown key answered as {@code failed}. */
	static Map<String, Object> toWire(Map<String, Object> raw) {
		Object status = raw.get("status");
		String errorCode = (status instanceof String s) ? ERROR_CODES.get(s) : null;
		if (errorCode == null) {
			return raw;
		}
		Map<String, Object> answer = new LinkedHashMap<>(raw);
		answer.put("ok", false);
		answer.put("status", LeaseStatus.FAILED.wireValue());
		answer.put("error_code", errorCode);
		if (answer.containsKey("retry_after_sec")) {
			answer.put("retry_after_sec", null);
		}
		answer.put(LEASE_STATE, status);
		return answer;
	}

}
