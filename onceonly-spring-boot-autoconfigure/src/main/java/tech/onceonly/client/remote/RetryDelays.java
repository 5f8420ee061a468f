package tech.onceonly.client.remote;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The waits between retries. Before retry {@code n} (0-based) the wait is:
 * <ul>
 * <li>after an answer carrying a parseable {@code Retry-After} (seconds, may be
 * fractional): that value, clamped to [0, {@code retryAfterCap}], without jitter;</li>
 * <li>otherwise {@code d × (1 − jitter × r)} where
 * {@code d = min(retryMaxBackoff, retryBackoff × 2^n)} and {@code r} is uniform in [0,
 * 1), so the wait lies in ({@code d × (1 − jitter)}, {@code d}] and never exceeds the
 * cap.</li>
 * </ul>
 */
final class RetryDelays {

	private final Duration backoff;

	private final Duration maxBackoff;

	private final Duration retryAfterCap;

	private final double jitter;

	private final DoubleSupplier random;

	RetryDelays(RemoteOnceOnlySettings settings) {
		this(settings, () -> ThreadLocalRandom.current().nextDouble());
	}

	RetryDelays(RemoteOnceOnlySettings settings, DoubleSupplier random) {
		this.backoff = settings.retryBackoff();
		this.maxBackoff = settings.retryMaxBackoff();
		this.retryAfterCap = settings.retryAfterCap();
		this.jitter = settings.jitter();
		this.random = random;
	}

	/**
	 * The wait before retry {@code n} after a retryable answer with the given
	 * {@code Retry-After} header.
	 */
	Duration afterResponse(int n, @Nullable String retryAfter) {
		Double seconds = parseRetryAfter(retryAfter);
		if (seconds == null) {
			return backoff(n);
		}
		long nanos = (long) Math.min(Math.max(0, seconds) * 1e9, (double) this.retryAfterCap.toNanos());
		return Duration.ofNanos(nanos);
	}

	/** The wait before retry {@code n} after a transport error. */
	Duration backoff(int n) {
		double base = this.backoff.toNanos() * Math.pow(2, Math.min(n, 62));
		double capped = Math.min(base, (double) this.maxBackoff.toNanos());
		double jittered = capped * (1 - this.jitter * this.random.getAsDouble());
		return Duration.ofNanos((long) Math.max(0, jittered));
	}

	/**
	 * A {@code Retry-After} value as float seconds, or {@code null} when it is missing or
	 * not a number (an HTTP date is not supported, as in the SDKs).
	 */
	static @Nullable Double parseRetryAfter(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			double seconds = Double.parseDouble(value.strip());
			return (Double.isFinite(seconds)) ? seconds : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
