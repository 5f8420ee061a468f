package tech.onceonly.spring.web.idempotency;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tech.onceonly.Internal;

/**
 * The first response to a keyed request, as stored with the lease's completion and
 * replayed to retries.
 *
 * @param status the HTTP status
 * @param headers the stored headers (only those configured for replay), in their original
 * case
 * @param body the body bytes, or {@code null} when it was larger than the storage limit
 * and not stored
 * @param fingerprint the request fingerprint the response belongs to
 */
@Internal
public record StoredResponse(int status, Map<String, List<String>> headers, byte @Nullable [] body,
		String fingerprint) {

	/**
	 * The result object passed to {@code complete}: JSON-safe, the body base64-encoded.
	 */
	public Map<String, Object> toResult() {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("kind", "http_response");
		result.put("status", this.status);
		result.put("headers", this.headers);
		result.put("body_stored", this.body != null);
		if (this.body != null) {
			result.put("body", Base64.getEncoder().encodeToString(this.body));
		}
		result.put("fingerprint", this.fingerprint);
		return result;
	}

	/**
	 * Reads a stored result back.
	 * @param result the result object of the completed lease
	 * @return the response, or {@code null} when the result is not a stored response
	 */
	public static @Nullable StoredResponse fromResult(@Nullable Map<String, Object> result) {
		if (result == null || !(result.get("status") instanceof Number status)
				|| !(result.get("fingerprint") instanceof String fingerprint)) {
			return null;
		}
		Map<String, List<String>> headers = new LinkedHashMap<>();
		if (result.get("headers") instanceof Map<?, ?> stored) {
			stored.forEach((name, values) -> {
				List<String> list = new ArrayList<>();
				if (values instanceof List<?> items) {
					items.forEach((item) -> list.add(String.valueOf(item)));
				}
				headers.put(String.valueOf(name), list);
			});
		}
		byte[] body = (result.get("body") instanceof String encoded) ? Base64.getDecoder().decode(encoded) : null;
		return new StoredResponse(status.intValue(), headers, body, fingerprint);
	}

}
