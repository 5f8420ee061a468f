package tech.onceonly.client;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A lease or key-mode run: the answer of {@code /ai/lease} and of key-mode
 * {@code /ai/run}.
 *
 * @param ok whether the call succeeded
 * @param status {@code acquired}, {@code polling}, {@code in_progress}, {@code completed}
 * or {@code failed}
 * @param key the key
 * @param leaseId the fencing token, only for the caller that acquired the lease
 * @param version increases with every acquisition of the key
 * @param ttl the lease time in seconds
 * @param ttlLeft seconds left on the current lease
 * @param firstSeenAt when the key was first leased
 * @param charged 1 when this call was charged (acquired), else 0
 * @param usage the month's usage
 * @param limit the plan limit
 * @param retryAfterSec when to ask again, for {@code polling}
 * @param doneAt when the work finished
 * @param errorCode the error code of failed work
 * @param resultHash the result hash of completed work
 * @param result the result object of completed work
 * @param raw the answer's JSON object
 */
public record AiRun(boolean ok, String status, String key, @Nullable String leaseId, long version, @Nullable Long ttl,
		@Nullable Long ttlLeft, @Nullable String firstSeenAt, @Nullable Long charged, @Nullable Long usage,
		@Nullable Long limit, @Nullable Long retryAfterSec, @Nullable String doneAt, @Nullable String errorCode,
		@Nullable String resultHash, @Nullable Map<String, Object> result,
		Map<String, Object> raw) implements AiRunOutcome {

	public AiRun {
		raw = WireMaps.raw(raw);
	}

	/** Maps an answer with the SDKs' coercions. */
	public static AiRun fromRaw(Map<String, Object> raw) {
		return new AiRun(WireMaps.bool(raw, "ok", false), WireMaps.string(raw, "status", ""),
				WireMaps.string(raw, "key", ""), WireMaps.string(raw, "lease_id"), WireMaps.integer(raw, "version", 0),
				WireMaps.integer(raw, "ttl"), WireMaps.integer(raw, "ttl_left"), WireMaps.string(raw, "first_seen_at"),
				WireMaps.integer(raw, "charged"), WireMaps.integer(raw, "usage"), WireMaps.integer(raw, "limit"),
				WireMaps.integer(raw, "retry_after_sec"), WireMaps.string(raw, "done_at"),
				WireMaps.string(raw, "error_code"), WireMaps.string(raw, "result_hash"), WireMaps.object(raw, "result"),
				raw);
	}

	/**
	 * True when this answer carries the stored result of finished work, so that a replay
	 * needs no second read: always for the embedded engine's and
	 * {@code onceonly-server}'s answers about a finished key; not for an API whose lease
	 * answer omits it. Reads the typed result first, so the engine's lazily built
	 * {@link #raw()} is only built when the result is {@code null}.
	 */
	public boolean carriesResult() {
		return this.result != null || this.raw.containsKey("result");
	}

	/** True when this caller acquired the lease. */
	public boolean acquired() {
		return leaseStatus() == LeaseStatus.ACQUIRED;
	}

	/**
	 * The status as an enum ({@link LeaseStatus#UNKNOWN} for a word this client does not
	 * know; {@link #status()} keeps the word).
	 */
	public LeaseStatus leaseStatus() {
		return LeaseStatus.of(this.status);
	}

}
