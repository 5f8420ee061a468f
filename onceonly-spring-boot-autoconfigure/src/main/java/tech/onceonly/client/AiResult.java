package tech.onceonly.client;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outcome of keyed work ({@code GET /ai/result}, and what {@code runFn}, {@code wait}
 * and {@code runAndWait} return).
 * <p>
 * Read a completed result as the type the work returned with {@link #resultAs(Class)}
 * (the stored JSON object keeps that type's property names, so a record's
 * {@code chargeId} is {@code chargeId}, not {@code charge_id}). {@link #replayed()} tells
 * a {@code runFn} that ran the work from one that answered with an earlier run's stored
 * outcome; both say {@code completed}.
 *
 * @param ok whether the call succeeded
 * @param status {@code completed}, {@code failed}, or the current status when the work is
 * not finished
 * @param key the key
 * @param result the result object stored on completion
 * @param resultHash the result hash stored on completion
 * @param errorCode the error code stored on failure ({@code timeout} when a wait gave up)
 * @param doneAt when the work finished
 * @param raw the answer's JSON object (empty for a {@link #synthetic} result)
 * @param replayed true when {@code runFn} did not run the work in this call and answers
 * with the outcome another run stored; false for the call that ran the work, and for
 * plain reads ({@code result}, {@code waitFor})
 * @param synthetic true when this client made the result itself (a wait that timed out, a
 * conflict it was told not to wait for, a lease answer without a lease id); a server
 * never sends one
 */
public record AiResult(boolean ok, String status, String key, @Nullable Map<String, Object> result,
		@Nullable String resultHash, @Nullable String errorCode, @Nullable String doneAt, Map<String, Object> raw,
		boolean replayed, boolean synthetic) {

	/** The error code of a synthetic result whose wait ran out of time. */
	public static final String WAIT_TIMEOUT = "timeout";

	private static final JsonMapper DEFAULT_JSON = JsonMapper.builder().build();

	public AiResult {
		raw = WireMaps.raw(raw);
	}

	/**
	 * A result read from a server or a store: neither replayed nor synthetic.
	 * @param ok whether the call succeeded
	 * @param status the status
	 * @param key the key
	 * @param result the result object
	 * @param resultHash the result hash
	 * @param errorCode the error code
	 * @param doneAt when the work finished
	 * @param raw the answer's JSON object
	 */
	public AiResult(boolean ok, String status, String key, @Nullable Map<String, Object> result,
			@Nullable String resultHash, @Nullable String errorCode, @Nullable String doneAt, Map<String, Object> raw) {
		this(ok, status, key, result, resultHash, errorCode, doneAt, raw, false, false);
	}

	/** Maps an answer with the SDKs' coercions. */
	public static AiResult fromRaw(Map<String, Object> raw) {
		return new AiResult(WireMaps.bool(raw, "ok", false), WireMaps.string(raw, "status", ""),
				WireMaps.string(raw, "key", ""), WireMaps.object(raw, "result"), WireMaps.string(raw, "result_hash"),
				WireMaps.string(raw, "error_code"), WireMaps.string(raw, "done_at"), raw);
	}

	/**
	 * A result made on the client side (timeouts, missing lease ids, conflicts), never
	 * sent by a server; {@link #synthetic()} is true and {@link #raw()} is empty.
	 */
	public static AiResult synthetic(String status, String key, String errorCode) {
		return new AiResult(false, status, key, null, null, errorCode, null, Map.of(), false, true);
	}

	/** A synthetic {@code failed} result for a wait that ran out of time. */
	public static AiResult waitTimeout(String key) {
		return synthetic(LeaseStatus.FAILED.wireValue(), key, WAIT_TIMEOUT);
	}

	/**
	 * This result marked as a replay: what a {@code runFn} answers when the work ran
	 * elsewhere (a synthetic result stays as it is).
	 */
	public AiResult asReplay() {
		if (this.replayed || this.synthetic) {
			return this;
		}
		return new AiResult(this.ok, this.status, this.key, this.result, this.resultHash, this.errorCode, this.doneAt,
				this.raw, true, false);
	}

	/** True when the work completed. */
	public boolean isCompleted() {
		return leaseStatus() == LeaseStatus.COMPLETED;
	}

	/** True when the work failed (or a wait timed out). */
	public boolean isFailed() {
		return leaseStatus() == LeaseStatus.FAILED;
	}

	/**
	 * True when this client gave up waiting for the work's outcome (a synthetic
	 * {@code failed}/{@code timeout}), as opposed to work that failed and stored the
	 * error code {@code timeout} itself.
	 */
	public boolean isWaitTimeout() {
		return this.synthetic && WAIT_TIMEOUT.equals(this.errorCode);
	}

	/**
	 * The status as an enum ({@link LeaseStatus#UNKNOWN} for a word this client does not
	 * know; {@link #status()} keeps the word).
	 */
	public LeaseStatus leaseStatus() {
		return LeaseStatus.of(this.status);
	}

	/**
	 * The completed result as {@code type}, read with a default {@link JsonMapper}: a
	 * record or bean from the stored object itself, a string, number, boolean, enum,
	 * collection or array from its {@code value} field (see
	 * {@link ResultObjects#toResultObject}).
	 * @param type the type the work returned
	 * @return the result, {@code null} when the work returned {@code null}
	 * @throws IllegalStateException when the work is not completed (failed, still
	 * running, or a wait that timed out), naming the status and error code
	 * @throws IllegalArgumentException when the stored result cannot be read as
	 * {@code type}
	 */
	public <T> @Nullable T resultAs(Class<T> type) {
		return resultAs(type, DEFAULT_JSON);
	}

	/**
	 * The completed result as {@code type}, read with {@code json} (the application's
	 * mapper, for its modules and naming strategy).
	 * @param type the type the work returned
	 * @param json the mapper
	 * @return the result, {@code null} when the work returned {@code null}
	 * @throws IllegalStateException when the work is not completed
	 * @throws IllegalArgumentException when the stored result cannot be read as
	 * {@code type}
	 */
	public <T> @Nullable T resultAs(Class<T> type, JsonMapper json) {
		if (!isCompleted()) {
			throw new IllegalStateException("The work for key '" + this.key + "' has no result: its status is '"
					+ this.status + "'" + ((this.errorCode != null) ? " (error_code " + this.errorCode + ")" : "")
					+ "; only completed work has one (check isCompleted() first)");
		}
		return ResultObjects.fromResultObject(this.result, type, json);
	}

}
