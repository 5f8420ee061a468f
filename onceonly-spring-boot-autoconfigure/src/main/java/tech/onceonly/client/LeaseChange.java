package tech.onceonly.client;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The answer of a change to a held lease: {@code extend} ({@code extended}, with ttl and
 * version), {@code complete} ({@code completed}, with done-at and result hash),
 * {@code fail} ({@code failed}, with done-at and error code) or {@code cancel}
 * ({@code released}, with the reason when one was given).
 *
 * @param ok whether the call succeeded
 * @param status {@code extended}, {@code completed}, {@code failed} or {@code released}
 * @param key the key
 * @param ttl the new lease time in seconds, for {@code extended}
 * @param version the lease's version, for {@code extended}
 * @param doneAt when the work finished, for {@code completed} and {@code failed}
 * @param resultHash the stored result hash, for {@code completed}
 * @param errorCode the stored error code, for {@code failed}
 * @param reason the reason given, for {@code released}
 * @param raw the answer's JSON object
 */
public record LeaseChange(boolean ok, String status, String key, @Nullable Long ttl, @Nullable Long version,
		@Nullable String doneAt, @Nullable String resultHash, @Nullable String errorCode, @Nullable String reason,
		Map<String, Object> raw) {

	public LeaseChange {
		raw = WireMaps.raw(raw);
	}

	/** Maps an answer with the SDKs' coercions. */
	public static LeaseChange fromRaw(Map<String, Object> raw) {
		return new LeaseChange(WireMaps.bool(raw, "ok", false), WireMaps.string(raw, "status", ""),
				WireMaps.string(raw, "key", ""), WireMaps.integer(raw, "ttl"), WireMaps.integer(raw, "version"),
				WireMaps.string(raw, "done_at"), WireMaps.string(raw, "result_hash"),
				WireMaps.string(raw, "error_code"), WireMaps.string(raw, "reason"), raw);
	}

	/**
	 * The status as an enum ({@link LeaseStatus#UNKNOWN} for a word this client does not
	 * know; {@link #status()} keeps the word).
	 */
	public LeaseStatus leaseStatus() {
		return LeaseStatus.of(this.status);
	}

}
