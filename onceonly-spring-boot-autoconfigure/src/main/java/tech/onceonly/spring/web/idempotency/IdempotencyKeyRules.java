package tech.onceonly.spring.web.idempotency;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import tech.onceonly.Internal;
import tech.onceonly.client.AiRun;
import tech.onceonly.spring.web.Digests;
import tech.onceonly.spring.web.ProblemDetails;

/**
 * The Idempotency-Key rules shared by Spring MVC and WebFlux: the stored key, which
 * answers are stored, and the problem details of every refusal.
 * <p>
 * Storage policy: 2xx and 3xx answers are stored and replayed; 4xx answers are stored too
 * (same key and same payload give the same answer) unless {@code replayClientErrors} is
 * off, except 408, 409, 425 and 429, which say "try again" and release the key; 5xx
 * answers and exceptions release the key so the client may retry, unless
 * {@code replayServerErrors} is on, in which case 5xx answers (not exceptions) are stored
 * and replayed as the IETF draft suggests.
 */
@Internal
public final class IdempotencyKeyRules {

	/** The outcome of a request processed for the first time. */
	public static final String EXECUTED = "executed";

	/** The outcome of a retry answered with the stored response. */
	public static final String REPLAYED = "replayed";

	/**
	 * The outcome of a retry that arrived while the first request was being processed.
	 */
	public static final String IN_PROGRESS = "in_progress";

	/** The outcome of a key reused with another payload. */
	public static final String MISMATCH = "mismatch";

	/** The outcome of a request without a required key (or with an invalid one). */
	public static final String MISSING_KEY = "missing_key";

	/**
	 * The outcome of a request whose answer was not stored (5xx, exception) or that could
	 * not be guarded.
	 */
	public static final String FAILED = "failed";

	/** The header marking a replayed response. */
	public static final String REPLAYED_HEADER = "Idempotent-Replayed";

	private final IdempotencyKeySettings settings;

	/**
	 * Rules with the given settings.
	 * @param settings the settings
	 */
	public IdempotencyKeyRules(IdempotencyKeySettings settings) {
		this.settings = settings;
	}

	/** The settings. */
	public IdempotencyKeySettings settings() {
		return this.settings;
	}

	/**
	 * The key a request is leased under: the SHA-256 of the caller's scope, the method,
	 * the route and the client's key, so keys of different callers or routes never meet
	 * and no client key reaches the store in clear.
	 */
	public String storageKey(String scope, String method, String route, String clientKey) {
		return "idempotency-key:" + Digests.sha256Hex(scope + "\n" + method + "\n" + route + "\n" + clientKey);
	}

	/**
	 * The scope of a caller: its principal name (or {@code anonymous}) and, when known,
	 * its tenant.
	 * @param tenant the tenant, or {@code null}
	 * @param principal the principal name, or {@code null}
	 * @return the scope
	 */
	public static String scope(@Nullable String tenant, @Nullable String principal) {
		String who = (principal != null && !principal.isEmpty()) ? "principal:" + principal : "anonymous";
		return (tenant != null && !tenant.isEmpty()) ? "tenant:" + tenant + "|" + who : who;
	}

	/**
	 * Whether an answer with {@code status} is stored and replayed (else the key is
	 * released).
	 */
	public boolean stores(int status) {
		if (status >= 500) {
			return this.settings.replayServerErrors();
		}
		if (status >= 400) {
			return this.settings.replayClientErrors() && status != 408 && status != 409 && status != 425
					&& status != 429;
		}
		return status >= 200;
	}

	/** The headers to store from a response, given a lookup of its values by name. */
	public Map<String, List<String>> storedHeaders(Function<String, List<String>> values) {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		for (String name : this.settings.replayHeaders()) {
			List<String> found = values.apply(name);
			if (found != null && !found.isEmpty()) {
				headers.put(name, List.copyOf(found));
			}
		}
		return headers;
	}

	/**
	 * The stored form of a response, its body dropped when over the storage limit (or
	 * {@code null}: not captured because it grew past the limit).
	 */
	public StoredResponse toStored(int status, Map<String, List<String>> headers, byte @Nullable [] body,
			String fingerprint) {
		boolean keep = body != null && body.length <= this.settings.maxStoredBodyBytes();
		Map<String, List<String>> kept = headers;
		if (!keep) {
			kept = new LinkedHashMap<>(headers);
			kept.keySet().removeIf((name) -> name.equalsIgnoreCase("Content-Type"));
		}
		return new StoredResponse(status, kept, keep ? body : null, fingerprint);
	}

	/** The seconds sent in {@code Retry-After} with a 409. */
	public long retryAfterSeconds(AiRun lease) {
		Long hint = lease.retryAfterSec();
		return (hint != null && hint > 0) ? hint : Math.max(1, this.settings.retryAfter().toSeconds());
	}

	/** The problem of a request without a required key. */
	public static byte[] missingKeyProblem() {
		return ProblemDetails.json("idempotency-key-missing", "Idempotency-Key missing", 400,
				"This endpoint requires an Idempotency-Key header, for example Idempotency-Key: \"<a new UUID>\".",
				Map.of());
	}

	/** The problem of an invalid key. */
	public static byte[] invalidKeyProblem(String detail) {
		return ProblemDetails.json("idempotency-key-invalid", "Idempotency-Key invalid", 400, detail, Map.of());
	}

	/** The problem of a key reused with another payload. */
	public static byte[] mismatchProblem() {
		return ProblemDetails.json("idempotency-key-mismatch", "Idempotency-Key reused", 422,
				"This Idempotency-Key was already used with a different request payload; use a new key for a new "
						+ "request.",
				Map.of());
	}

	/** The problem of a retry while the first request is processed. */
	public static byte[] inProgressProblem(long retryAfterSeconds) {
		return ProblemDetails.json("idempotency-key-in-progress", "Request in progress", 409,
				"A request with this Idempotency-Key is being processed; retry after " + retryAfterSeconds + " s.",
				Map.of());
	}

	/** The problem of a request body too large to fingerprint. */
	public static byte[] tooLargeProblem(long limit) {
		return ProblemDetails.json("idempotency-key-body-too-large", "Request body too large", 413,
				"The request body is larger than the " + limit + " bytes accepted with an Idempotency-Key.", Map.of());
	}

	/** The problem answered when the OnceOnly backend could not be asked. */
	public static byte[] unavailableProblem() {
		return ProblemDetails.json("idempotency-key-unavailable", "Idempotency check unavailable", 503,
				"The Idempotency-Key could not be checked right now; retry with the same key later.", Map.of());
	}

	/**
	 * The problem answered when a key's first request ended in a state that holds no
	 * response.
	 */
	public static byte[] unusableProblem() {
		return ProblemDetails.json("idempotency-key-unusable", "Idempotency-Key unusable", 422,
				"The first request with this Idempotency-Key left no response to replay; use a new key.", Map.of());
	}

}
