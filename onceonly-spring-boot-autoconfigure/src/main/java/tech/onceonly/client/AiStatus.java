package tech.onceonly.client;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The state of a keyed lease or run ({@code GET /ai/status}).
 *
 * @param ok whether the call succeeded
 * @param status {@code in_progress}, {@code completed}, {@code failed}, {@code expired}
 * or {@code not_found}
 * @param key the key
 * @param leaseId always {@code null} from this project's engines, which never reveal a
 * holder's fencing token
 * @param version acquisitions so far
 * @param ttlLeft seconds left on the current lease
 * @param firstSeenAt when the key was first leased
 * @param doneAt when the work finished
 * @param resultHash the result hash of completed work
 * @param errorCode the error code of failed work
 * @param retryAfterSec when to ask again
 * @param raw the answer's JSON object
 */
public record AiStatus(boolean ok, String status, String key, @Nullable String leaseId, long version,
		@Nullable Long ttlLeft, @Nullable String firstSeenAt, @Nullable String doneAt, @Nullable String resultHash,
		@Nullable String errorCode, @Nullable Long retryAfterSec, Map<String, Object> raw) {

	public AiStatus {
		raw = WireMaps.raw(raw);
	}

	/** Maps an answer with the SDKs' coercions. */
	public static AiStatus fromRaw(Map<String, Object> raw) {
		return new AiStatus(WireMaps.bool(raw, "ok", false), WireMaps.string(raw, "status", ""),
				WireMaps.string(raw, "key", ""), WireMaps.string(raw, "lease_id"), WireMaps.integer(raw, "version", 0),
				WireMaps.integer(raw, "ttl_left"), WireMaps.string(raw, "first_seen_at"),
				WireMaps.string(raw, "done_at"), WireMaps.string(raw, "result_hash"),
				WireMaps.string(raw, "error_code"), WireMaps.integer(raw, "retry_after_sec"), raw);
	}

	/**
	 * True for {@code completed} and {@code failed}, the statuses after which nothing
	 * changes.
	 */
	public boolean isTerminal() {
		return leaseStatus().isTerminal();
	}

	/**
	 * The status as an enum ({@link LeaseStatus#UNKNOWN} for a word this client does not
	 * know; {@link #status()} keeps the word).
	 */
	public LeaseStatus leaseStatus() {
		return LeaseStatus.of(this.status);
	}

}
