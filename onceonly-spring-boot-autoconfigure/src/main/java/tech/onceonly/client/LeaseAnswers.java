package tech.onceonly.client;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The JSON objects of the lease answers, in the OnceOnly API's shapes (field names, order
 * and explicit {@code null}s as the hosted API sends them). This is the one place that
 * turns the typed answers into wire maps; the other edge, the remote client, reads them
 * back with the records' {@code fromRaw}. Engines return records whose {@code raw()} is
 * built here on first use, so code that never reads {@code raw()} never pays for it.
 */
public final class LeaseAnswers {

	private LeaseAnswers() {
	}

	// ---- records with a lazily built raw map

	/**
	 * A lease answer made by an engine: {@code acquired} or {@code polling} (with ttl,
	 * ttl left and retry hint), or {@code completed}/{@code failed} (with the stored
	 * outcome's fields).
	 * @param status the status
	 * @param key the key
	 * @param leaseId the fencing token when acquired
	 * @param version acquisitions so far
	 * @param ttl the lease time in seconds (not for terminal answers)
	 * @param ttlLeft seconds left on the lease (not for terminal answers)
	 * @param firstSeenAt when the key was first leased
	 * @param retryAfterSec when to ask again, for {@code polling}
	 * @param doneAt when the work finished, for terminal answers
	 * @param resultHash the result hash, for terminal answers
	 * @param errorCode the error code, for terminal answers
	 * @return the answer; {@code charged} is 1 when acquired, else 0
	 */
	public static AiRun run(LeaseStatus status, String key, @Nullable String leaseId, long version, @Nullable Long ttl,
			@Nullable Long ttlLeft, String firstSeenAt, @Nullable Long retryAfterSec, @Nullable String doneAt,
			@Nullable String resultHash, @Nullable String errorCode) {
		return run(status, key, leaseId, version, ttl, ttlLeft, firstSeenAt, retryAfterSec, doneAt, resultHash,
				errorCode, null);
	}

	/**
	 * A lease answer made by an engine, as
	 * {@link #run(LeaseStatus, String, String, long, Long, Long, String, Long, String, String, String)},
	 * that also carries the stored result of a finished key, so that a replay needs no
	 * second read; its JSON object then has a {@code result} field (an addition to the
	 * OnceOnly API's lease answer, which clients that do not know it ignore).
	 * @param status the status
	 * @param key the key
	 * @param leaseId the fencing token when acquired
	 * @param version acquisitions so far
	 * @param ttl the lease time in seconds (not for terminal answers)
	 * @param ttlLeft seconds left on the lease (not for terminal answers)
	 * @param firstSeenAt when the key was first leased
	 * @param retryAfterSec when to ask again, for {@code polling}
	 * @param doneAt when the work finished, for terminal answers
	 * @param resultHash the result hash, for terminal answers
	 * @param errorCode the error code, for terminal answers
	 * @param result the stored result object, for terminal answers
	 * @return the answer; {@code charged} is 1 when acquired, else 0
	 */
	public static AiRun run(LeaseStatus status, String key, @Nullable String leaseId, long version, @Nullable Long ttl,
			@Nullable Long ttlLeft, String firstSeenAt, @Nullable Long retryAfterSec, @Nullable String doneAt,
			@Nullable String resultHash, @Nullable String errorCode, @Nullable Map<String, Object> result) {
		long charged = (status == LeaseStatus.ACQUIRED) ? 1 : 0;
		boolean terminal = status.isTerminal();
		return LazyWireMap.bind(
				(raw) -> new AiRun(true, status.wireValue(), key, leaseId, version, ttl, ttlLeft, firstSeenAt, charged,
						null, null, retryAfterSec, doneAt, errorCode, resultHash, terminal ? result : null, raw),
				LeaseAnswers::wire);
	}

	/**
	 * The state of a key made by an engine: {@code not_found} when {@code version} is 0
	 * and the status says so, else the lease's fields.
	 * @param status the status
	 * @param key the key
	 * @param version acquisitions so far
	 * @param ttlLeft seconds left on the lease (0 for terminal states)
	 * @param firstSeenAt when the key was first leased
	 * @param doneAt when the work finished
	 * @param resultHash the result hash of completed work
	 * @param errorCode the error code of failed work
	 * @param retryAfterSec when to ask again, while held
	 * @return the state
	 */
	public static AiStatus status(LeaseStatus status, String key, long version, @Nullable Long ttlLeft,
			@Nullable String firstSeenAt, @Nullable String doneAt, @Nullable String resultHash,
			@Nullable String errorCode, @Nullable Long retryAfterSec) {
		boolean ok = status != LeaseStatus.NOT_FOUND;
		return LazyWireMap.bind((raw) -> new AiStatus(ok, status.wireValue(), key, null, version, ttlLeft, firstSeenAt,
				doneAt, resultHash, errorCode, retryAfterSec, raw), LeaseAnswers::wire);
	}

	/**
	 * The outcome of keyed work made by an engine; {@code ok} only for terminal statuses.
	 * @param status the status
	 * @param key the key
	 * @param result the stored result object
	 * @param resultHash the stored result hash
	 * @param errorCode the stored error code
	 * @param doneAt when the work finished
	 * @return the outcome
	 */
	public static AiResult result(LeaseStatus status, String key, @Nullable Map<String, Object> result,
			@Nullable String resultHash, @Nullable String errorCode, @Nullable String doneAt) {
		boolean terminal = status.isTerminal();
		return LazyWireMap.bind(
				(raw) -> new AiResult(terminal, status.wireValue(), key, terminal ? result : null,
						terminal ? resultHash : null, terminal ? errorCode : null, terminal ? doneAt : null, raw),
				LeaseAnswers::wire);
	}

	/**
	 * A check-lock answer made by an engine.
	 * @param locked whether this caller took the lock
	 * @param key the key
	 * @param ttlSeconds the lock's time to live
	 * @param firstSeenAt when the key was first taken, for duplicates
	 * @param requestId the request id
	 * @param metadata the caller's metadata, echoed in the answer
	 * @return the answer
	 */
	public static CheckLockResult checkLock(boolean locked, String key, long ttlSeconds, @Nullable String firstSeenAt,
			@Nullable String requestId, @Nullable Map<String, ?> metadata) {
		return LazyWireMap.bind((raw) -> new CheckLockResult(locked, !locked, key, ttlSeconds,
				locked ? null : firstSeenAt, requestId, 200, raw), (result) -> checkLockWire(result, metadata));
	}

	// ---- wire maps

	/**
	 * The JSON object of a lease answer: the {@code acquired}/{@code polling} shape or
	 * the terminal shape, by status.
	 * @param run the answer
	 * @return the JSON object
	 */
	public static Map<String, Object> wire(AiRun run) {
		Map<String, Object> raw = new LinkedHashMap<>();
		raw.put("ok", run.ok());
		LeaseStatus status = run.leaseStatus();
		if (status.isTerminal()) {
			putTerminal(raw, run.status(), run.key(), run.version(), run.firstSeenAt(), run.doneAt(), run.resultHash(),
					run.errorCode());
			raw.put("result", run.result());
		}
		else {
			raw.put("status", run.status());
			raw.put("key", run.key());
			raw.put("ttl", run.ttl());
			raw.put("ttl_left", run.ttlLeft());
			raw.put("lease_id", run.leaseId());
			raw.put("version", run.version());
			raw.put("first_seen_at", run.firstSeenAt());
			raw.put("retry_after_sec", run.retryAfterSec());
		}
		raw.put("charged", (run.charged() != null) ? run.charged().intValue() : 0);
		return raw;
	}

	/**
	 * The JSON object of a key's state: only {@code ok}, {@code status} and {@code key}
	 * for {@code not_found}; the terminal shape (with {@code ttl_left} 0); or the held /
	 * free shape.
	 * @param status the state
	 * @return the JSON object
	 */
	public static Map<String, Object> wire(AiStatus status) {
		Map<String, Object> raw = new LinkedHashMap<>();
		raw.put("ok", status.ok());
		LeaseStatus state = status.leaseStatus();
		if (state == LeaseStatus.NOT_FOUND) {
			raw.put("status", status.status());
			raw.put("key", status.key());
			return raw;
		}
		if (state.isTerminal()) {
			putTerminal(raw, status.status(), status.key(), status.version(), status.firstSeenAt(), status.doneAt(),
					status.resultHash(), status.errorCode());
			raw.put("ttl_left", 0);
			raw.put("retry_after_sec", null);
			return raw;
		}
		raw.put("status", status.status());
		raw.put("key", status.key());
		raw.put("ttl_left", status.ttlLeft());
		raw.put("lease_id", null);
		raw.put("version", status.version());
		raw.put("first_seen_at", status.firstSeenAt());
		raw.put("done_at", null);
		raw.put("result_hash", null);
		raw.put("error_code", null);
		raw.put("retry_after_sec", status.retryAfterSec());
		return raw;
	}

	/**
	 * The JSON object of a stored outcome: {@code ok} false with a {@code null} result
	 * while the work is not finished; the stored fields once it is; empty for a result
	 * made on the client side ({@link AiResult#synthetic}), which no server sends.
	 * @param result the outcome
	 * @return the JSON object
	 */
	public static Map<String, Object> wire(AiResult result) {
		Map<String, Object> raw = new LinkedHashMap<>();
		if (result.synthetic()) {
			return raw;
		}
		raw.put("ok", result.ok());
		raw.put("status", result.status());
		raw.put("key", result.key());
		raw.put("result", result.result());
		if (!result.leaseStatus().isTerminal()) {
			return raw;
		}
		raw.put("result_hash", result.resultHash());
		raw.put("error_code", result.errorCode());
		raw.put("done_at", result.doneAt());
		return raw;
	}

	private static Map<String, Object> checkLockWire(CheckLockResult result, @Nullable Map<String, ?> metadata) {
		Map<String, Object> raw = new LinkedHashMap<>();
		raw.put("success", result.locked());
		raw.put("status", result.locked() ? "locked" : "duplicate");
		raw.put("key", result.key());
		raw.put("ttl", result.ttl());
		raw.put("first_seen_at", result.firstSeenAt());
		if (metadata != null) {
			raw.put("metadata", metadata);
		}
		return raw;
	}

	/**
	 * The answer of a check-lock that failed open: {@code fail_open}, the reason and the
	 * caller's metadata.
	 * @param reason why the store was not asked
	 * @param metadata the caller's metadata
	 * @return the JSON object
	 */
	public static Map<String, Object> failOpen(String reason, @Nullable Map<String, ?> metadata) {
		Map<String, Object> raw = new LinkedHashMap<>();
		raw.put("fail_open", true);
		raw.put("reason", reason);
		if (metadata != null) {
			raw.put("metadata", metadata);
		}
		return raw;
	}

	/** The answer of {@code /ai/extend}. */
	public static LeaseChange extended(String key, long ttlSeconds, long version) {
		return change(LeaseStatus.EXTENDED, key, ttlSeconds, version, null, null, null, null);
	}

	/** The answer of {@code /ai/complete}. */
	public static LeaseChange completed(String key, String doneAt, @Nullable String resultHash) {
		return change(LeaseStatus.COMPLETED, key, null, null, doneAt, resultHash, null, null);
	}

	/** The answer of {@code /ai/fail}. */
	public static LeaseChange failed(String key, String doneAt, String errorCode) {
		return change(LeaseStatus.FAILED, key, null, null, doneAt, null, errorCode, null);
	}

	/** The answer of {@code /ai/cancel}; {@code reason} only when given. */
	public static LeaseChange released(String key, @Nullable String reason) {
		return change(LeaseStatus.RELEASED, key, null, null, null, null, null,
				(reason != null && !reason.isEmpty()) ? reason : null);
	}

	private static LeaseChange change(LeaseStatus status, String key, @Nullable Long ttl, @Nullable Long version,
			@Nullable String doneAt, @Nullable String resultHash, @Nullable String errorCode, @Nullable String reason) {
		return LazyWireMap.bind((raw) -> new LeaseChange(true, status.wireValue(), key, ttl, version, doneAt,
				resultHash, errorCode, reason, raw), LeaseAnswers::wire);
	}

	/**
	 * The JSON object of a lease change: {@code ttl} and {@code version} when extended,
	 * {@code done_at} with {@code result_hash} when completed or with {@code error_code}
	 * when failed, {@code reason} when released with one.
	 * @param change the answer
	 * @return the JSON object
	 */
	public static Map<String, Object> wire(LeaseChange change) {
		Map<String, Object> raw = answer("ok", change.ok(), "status", change.status(), "key", change.key());
		switch (change.leaseStatus()) {
			case EXTENDED -> {
				raw.put("ttl", change.ttl());
				raw.put("version", change.version());
			}
			case COMPLETED -> {
				raw.put("done_at", change.doneAt());
				raw.put("result_hash", change.resultHash());
			}
			case FAILED -> {
				raw.put("done_at", change.doneAt());
				raw.put("error_code", change.errorCode());
			}
			default -> {
				if (change.reason() != null) {
					raw.put("reason", change.reason());
				}
			}
		}
		return raw;
	}

	private static void putTerminal(Map<String, Object> raw, String status, String key, long version,
			@Nullable String firstSeenAt, @Nullable String doneAt, @Nullable String resultHash,
			@Nullable String errorCode) {
		raw.put("status", status);
		raw.put("key", key);
		raw.put("lease_id", null);
		raw.put("version", version);
		raw.put("first_seen_at", firstSeenAt);
		raw.put("done_at", doneAt);
		raw.put("result_hash", resultHash);
		raw.put("error_code", errorCode);
	}

	private static Map<String, Object> answer(Object... pairs) {
		Map<String, Object> raw = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			raw.put((String) pairs[i], pairs[i + 1]);
		}
		return raw;
	}

}
