package tech.onceonly.spring.web.idempotency;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import tech.onceonly.Internal;
import tech.onceonly.client.JsonObjectText;
import tech.onceonly.spring.web.ProblemDetails;

/**
 * The first response to a keyed request, as stored with the lease's completion and
 * replayed to retries.
 * <p>
 * It is stored as a versioned JSON object ({@code docs/idempotency-key.md}, "Stored
 * responses"): this version writes format 2 (a text body as text, any other body
 * base64-encoded) and reads every earlier format. An entry written by a newer version of
 * the library, in a format this one does not know, is never replayed: reading it throws
 * {@link NewerFormatException}, which the web filters answer with {@code 409} and
 * {@code Retry-After} (a retry reaching an upgraded instance gets the replay).
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

	private static final Log logger = LogFactory.getLog(StoredResponse.class);

	private static final AtomicBoolean NEWER_FORMAT_LOGGED = new AtomicBoolean();

	/**
	 * The result object passed to {@code complete}, in the current stored format: its
	 * JSON text is built once, here, and a backend that keeps results as text stores it
	 * as it is; a backend that needs a map gets one with the same content.
	 */
	public Map<String, Object> toResult() {
		return JsonObjectText.of(StoredResponseFormat.write(this), () -> StoredResponseFormat.toMap(this));
	}

	/**
	 * Reads a stored result back, in any format this version knows; a result that is
	 * still JSON text (the local engine's) is read from the text, without a map.
	 * @param result the result object of the completed lease
	 * @return the response, or {@code null} when the result is not a stored response
	 * @throws NewerFormatException when a newer version of the library stored it in a
	 * format this version does not know (logged once per JVM)
	 */
	public static @Nullable StoredResponse fromResult(@Nullable Map<String, Object> result) {
		if (result == null) {
			return null;
		}
		try {
			return (result instanceof JsonObjectText text) ? StoredResponseFormat.read(text.json())
					: StoredResponseFormat.read(result);
		}
		catch (NewerFormatException ex) {
			if (NEWER_FORMAT_LOGGED.compareAndSet(false, true)) {
				logger.warn("An Idempotency-Key response was stored by a newer version of OnceOnly (stored format "
						+ ex.format() + "; this version reads formats up to " + StoredResponseFormat.VERSION
						+ "). It is not replayed: retries get 409 with Retry-After until they reach an upgraded "
						+ "instance. Expected only during a rolling upgrade; logged once.");
			}
			throw ex;
		}
	}

	/**
	 * The problem answered (409) for a stored response written in a newer format.
	 * @param retryAfterSeconds the {@code Retry-After} sent with it
	 * @return the problem details bytes
	 */
	public static byte[] newerFormatProblem(long retryAfterSeconds) {
		return ProblemDetails.json("idempotency-key-newer-format", "Stored response written by a newer version", 409,
				"The response stored for this Idempotency-Key was written by a newer version of this service and "
						+ "cannot be replayed by this instance; retry with the same key after " + retryAfterSeconds
						+ " s.",
				Map.of());
	}

	/**
	 * A stored response in a format newer than this version reads: it must not be
	 * replayed (nor its key reused) by this instance.
	 */
	public static final class NewerFormatException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final long format;

		NewerFormatException(long format) {
			super("The stored response has format " + format + "; this version reads formats up to "
					+ StoredResponseFormat.VERSION, null, false, false);
			this.format = format;
		}

		/** The stored format. */
		public long format() {
			return this.format;
		}

	}

}
