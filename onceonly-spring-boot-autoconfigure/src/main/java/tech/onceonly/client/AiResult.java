package tech.onceonly.client;

import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of keyed work ({@code GET /ai/result}, and what {@code runFn}, {@code wait}
 * and {@code runAndWait} return).
 *
 * @param ok whether the call succeeded
 * @param status {@code completed}, {@code failed}, or the current status when the work is
 * not finished
 * @param key the key
 * @param result the result object stored on completion
 * @param resultHash the result hash stored on completion
 * @param errorCode the error code stored on failure ({@code timeout} when a wait gave up)
 * @param doneAt when the work finished
 * @param raw the answer's JSON object
 */
public record AiResult(boolean ok, String status, String key, @Nullable Map<String, Object> result,
		@Nullable String resultHash, @Nullable String errorCode, @Nullable String doneAt, Map<String, Object> raw) {

	public AiResult {
		raw = WireMaps.raw(raw);
	}

	/** Maps an answer with the SDKs' coercions. */
	public static AiResult fromRaw(Map<String, Object> raw) {
		return new AiResult(WireMaps.bool(raw, "ok", false), WireMaps.string(raw, "status", ""),
				WireMaps.string(raw, "key", ""), WireMaps.object(raw, "result"), WireMaps.string(raw, "result_hash"),
				WireMaps.string(raw, "error_code"), WireMaps.string(raw, "done_at"), raw);
	}

	/**
	 * A result made on the client side (timeouts, missing lease ids, conflicts), never
	 * sent by a server.
	 */
	public static AiResult synthetic(String status, String key, String errorCode) {
		return new AiResult(false, status, key, null, null, errorCode, null, Map.of());
	}

	/** True when the work completed. */
	public boolean isCompleted() {
		return "completed".equalsIgnoreCase(this.status);
	}

	/** True when the work failed (or a wait timed out). */
	public boolean isFailed() {
		return "failed".equalsIgnoreCase(this.status);
	}

	static boolean isTerminal(@Nullable String status) {
		if (status == null) {
			return false;
		}
		String s = status.trim().toLowerCase(Locale.ROOT);
		return s.equals("completed") || s.equals("failed");
	}

}
