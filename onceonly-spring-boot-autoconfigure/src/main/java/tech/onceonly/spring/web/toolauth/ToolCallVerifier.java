package tech.onceonly.spring.web.toolauth;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import tech.onceonly.signing.ToolSignatures;

/**
 * Verifies one signed tool call (no servlet types): the signature and timestamp headers
 * must be present, an algorithm header, when present, must be {@code hmac_sha256} (any
 * case), the timestamp must lie within {@code tolerance} of the clock, and the signature
 * must be the HMAC-SHA256 of the raw body under one of the secrets (several allow
 * rotation), compared in constant time.
 */
public final class ToolCallVerifier {

	/** The default timestamp tolerance: 300 seconds either way. */
	public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(300);

	private final List<String> secrets;

	private final Duration tolerance;

	private final Clock clock;

	/** A verifier of one secret with the default tolerance on the system clock. */
	public ToolCallVerifier(String secret) {
		this(List.of(secret), DEFAULT_TOLERANCE, Clock.systemUTC());
	}

	/**
	 * A verifier.
	 * @param secrets the accepted secrets (at least one, each at least 8 characters)
	 * @param tolerance how far the timestamp may be from the clock, either way
	 * @param clock the clock
	 */
	public ToolCallVerifier(List<String> secrets, Duration tolerance, Clock clock) {
		if (secrets.isEmpty() || secrets.stream().anyMatch((s) -> s == null || s.length() < 8)) {
			throw new IllegalArgumentException(
					"at least one secret is required and each must be at least 8 characters");
		}
		if (tolerance.isNegative()) {
			throw new IllegalArgumentException("tolerance must not be negative, was " + tolerance);
		}
		this.secrets = List.copyOf(secrets);
		this.tolerance = tolerance;
		this.clock = clock;
	}

	/**
	 * Checks a call.
	 * @param body the raw body bytes
	 * @param signature the {@value ToolSignatures#SIGNATURE_HEADER} header
	 * @param algorithm the {@value ToolSignatures#ALGORITHM_HEADER} header
	 * @param timestamp the {@value ToolSignatures#TIMESTAMP_HEADER} header
	 * @return {@code null} when the call is genuine, else why not
	 */
	public @Nullable Failure verify(byte[] body, @Nullable String signature, @Nullable String algorithm,
			@Nullable String timestamp) {
		if (signature == null || signature.isBlank()) {
			return Failure.MISSING_SIGNATURE;
		}
		if (timestamp == null || timestamp.isBlank()) {
			return Failure.MISSING_TIMESTAMP;
		}
		if (algorithm != null && !ToolSignatures.ALGORITHM.equals(algorithm.trim().toLowerCase(Locale.ROOT))) {
			return Failure.UNSUPPORTED_ALGORITHM;
		}
		long seconds;
		try {
			seconds = Long.parseLong(timestamp.trim());
		}
		catch (NumberFormatException ex) {
			return Failure.INVALID_TIMESTAMP;
		}
		long skew = Math.abs(this.clock.instant().getEpochSecond() - seconds);
		if (skew > this.tolerance.toSeconds()) {
			return Failure.STALE_TIMESTAMP;
		}
		boolean matched = false;
		for (String secret : this.secrets) {
			matched |= ToolSignatures.matches(body, secret, signature);
		}
		return matched ? null : Failure.SIGNATURE_MISMATCH;
	}

	/** Why a call was rejected, with the detail answered to the caller. */
	public enum Failure {

		/** No signature header. */
		MISSING_SIGNATURE("missing " + ToolSignatures.SIGNATURE_HEADER + " header"),

		/** No timestamp header. */
		MISSING_TIMESTAMP("missing " + ToolSignatures.TIMESTAMP_HEADER + " header"),

		/** An algorithm other than hmac_sha256. */
		UNSUPPORTED_ALGORITHM(ToolSignatures.ALGORITHM_HEADER + " must be hmac_sha256"),

		/** A timestamp that is not Unix seconds. */
		INVALID_TIMESTAMP(ToolSignatures.TIMESTAMP_HEADER + " must be Unix seconds"),

		/** A timestamp outside the tolerance. */
		STALE_TIMESTAMP(ToolSignatures.TIMESTAMP_HEADER + " is outside the accepted window"),

		/** A signature that does not match the body. */
		SIGNATURE_MISMATCH("signature does not match the request body");

		private final String detail;

		Failure(String detail) {
			this.detail = detail;
		}

		/** The detail answered to the caller. */
		public String detail() {
			return this.detail;
		}

	}

}
