package tech.onceonly.client;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The answer of check-lock: either this caller took the lock ({@link #locked()}) or the
 * key was already taken ({@link #duplicate()}, with {@link #firstSeenAt()}).
 *
 * @param locked this caller holds the lock for the ttl
 * @param duplicate the key was taken before; do not repeat the action
 * @param key the key
 * @param ttl the lock's time to live in seconds
 * @param firstSeenAt when the key was first taken (ISO-8601), for duplicates
 * @param requestId the request id of the answer ({@code fail-open} when the answer was
 * fabricated)
 * @param statusCode the HTTP status of the answer (0 when fabricated by fail-open)
 * @param raw the answer's JSON object
 */
public record CheckLockResult(boolean locked, boolean duplicate, String key, long ttl, @Nullable String firstSeenAt,
		@Nullable String requestId, int statusCode, Map<String, Object> raw) {

	public CheckLockResult {
		raw = WireMaps.raw(raw);
	}

	/** True when this caller took the lock and should perform the action. */
	public boolean shouldProceed() {
		return this.locked && !this.duplicate;
	}

	/** True when the key was already taken. */
	public boolean isDuplicate() {
		return this.duplicate;
	}

	/**
	 * True when the result was fabricated because the API could not be reached and
	 * fail-open is on.
	 */
	public boolean isFailOpen() {
		return WireMaps.truthy(this.raw.get("fail_open"));
	}

}
