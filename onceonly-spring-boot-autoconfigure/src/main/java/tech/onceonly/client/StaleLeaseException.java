package tech.onceonly.client;

import java.util.Map;

/**
 * A lease operation (extend, complete, fail, cancel) named a {@code lease_id} that no
 * longer holds the key: the lease expired and was taken over, or the work already
 * finished. Nothing was changed. Answered as HTTP 409 with {@code {"detail": {"error":
 * "stale_lease"}}}.
 */
public class StaleLeaseException extends ApiException {

	private static final long serialVersionUID = 1L;

	/** The {@code detail.error} code that identifies this error on the wire. */
	public static final String ERROR_CODE = "stale_lease";

	public StaleLeaseException(String key) {
		this("lease_id does not hold key '" + key + "' (expired, taken over or finished); nothing was changed",
				Map.of("error", ERROR_CODE, "key", key));
	}

	public StaleLeaseException(String message, Map<String, Object> detail) {
		super(message, 409, detail);
	}

}
