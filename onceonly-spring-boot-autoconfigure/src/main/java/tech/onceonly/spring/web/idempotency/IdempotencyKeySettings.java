package tech.onceonly.spring.web.idempotency;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * How requests with an {@code Idempotency-Key} are guarded.
 *
 * @param paths path patterns guarded without an annotation, for the {@code methods} only
 * @param methods the HTTP methods {@code paths} apply to (upper case)
 * @param required whether a request to a {@code paths} route without a key is refused
 * with 400
 * @param leaseTtl how long a request being processed keeps its key
 * @param maxKeyLength the longest key accepted
 * @param allowBareTokens whether unquoted keys are accepted besides structured-field
 * strings
 * @param maxRequestBodyBytes the largest request body fingerprinted; larger requests get
 * 413
 * @param maxStoredBodyBytes the largest response body stored for replay; larger bodies
 * are not stored and replays carry the status and headers only
 * @param replayHeaders the response headers stored and replayed (besides the status and
 * body)
 * @param replayClientErrors whether 4xx answers (except 408, 409, 425 and 429) are stored
 * and replayed
 * @param replayServerErrors whether 5xx answers are stored and replayed instead of
 * releasing the key
 * @param retryAfter the {@code Retry-After} sent with 409 when the backend gives no hint
 * @param tenantHeader a header naming the caller's tenant, set by a trusted gateway, or
 * {@code null}
 */
public record IdempotencyKeySettings(List<String> paths, Set<String> methods, boolean required, Duration leaseTtl,
		int maxKeyLength, boolean allowBareTokens, long maxRequestBodyBytes, long maxStoredBodyBytes,
		List<String> replayHeaders, boolean replayClientErrors, boolean replayServerErrors, Duration retryAfter,
		@Nullable String tenantHeader) {

	public IdempotencyKeySettings {
		paths = List.copyOf(paths);
		methods = methods.stream().map((m) -> m.toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
		replayHeaders = List.copyOf(replayHeaders);
		if (leaseTtl.toSeconds() < 1) {
			throw new IllegalArgumentException(
					"onceonly.idempotency-key.lease-ttl must be at least 1s, was " + leaseTtl);
		}
		if (maxKeyLength < 1 || maxKeyLength > 1024) {
			throw new IllegalArgumentException(
					"onceonly.idempotency-key.max-key-length must be 1-1024, was " + maxKeyLength);
		}
		if (maxRequestBodyBytes < 1 || maxStoredBodyBytes < 0) {
			throw new IllegalArgumentException("onceonly.idempotency-key body size limits must be positive");
		}
	}

	/**
	 * No paths, POST and PATCH, key required, five minute leases, keys up to 255
	 * characters, bare tokens accepted, request bodies up to 1 MB, stored response bodies
	 * up to 64 KB, {@code Content-Type} and {@code Location} replayed, 4xx replayed, 5xx
	 * released.
	 */
	public static IdempotencyKeySettings defaults() {
		return new IdempotencyKeySettings(List.of(), Set.of("POST", "PATCH"), true, Duration.ofMinutes(5), 255, true,
				1024 * 1024, 64 * 1024, List.of("Content-Type", "Location"), true, false, Duration.ofSeconds(1), null);
	}

	/** These settings with other path patterns. */
	public IdempotencyKeySettings withPaths(List<String> value) {
		return new IdempotencyKeySettings(value, this.methods, this.required, this.leaseTtl, this.maxKeyLength,
				this.allowBareTokens, this.maxRequestBodyBytes, this.maxStoredBodyBytes, this.replayHeaders,
				this.replayClientErrors, this.replayServerErrors, this.retryAfter, this.tenantHeader);
	}

	/** These settings with another stored body limit. */
	public IdempotencyKeySettings withMaxStoredBodyBytes(long value) {
		return new IdempotencyKeySettings(this.paths, this.methods, this.required, this.leaseTtl, this.maxKeyLength,
				this.allowBareTokens, this.maxRequestBodyBytes, value, this.replayHeaders, this.replayClientErrors,
				this.replayServerErrors, this.retryAfter, this.tenantHeader);
	}

	/** These settings with another policy for server errors. */
	public IdempotencyKeySettings withReplayServerErrors(boolean value) {
		return new IdempotencyKeySettings(this.paths, this.methods, this.required, this.leaseTtl, this.maxKeyLength,
				this.allowBareTokens, this.maxRequestBodyBytes, this.maxStoredBodyBytes, this.replayHeaders,
				this.replayClientErrors, value, this.retryAfter, this.tenantHeader);
	}

	/** These settings with a tenant header. */
	public IdempotencyKeySettings withTenantHeader(@Nullable String value) {
		return new IdempotencyKeySettings(this.paths, this.methods, this.required, this.leaseTtl, this.maxKeyLength,
				this.allowBareTokens, this.maxRequestBodyBytes, this.maxStoredBodyBytes, this.replayHeaders,
				this.replayClientErrors, this.replayServerErrors, this.retryAfter, value);
	}

}
