package tech.onceonly.server.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per API key, in this JVM's memory: a key may make {@code burst} requests
 * at once and {@code requestsPerSecond} sustained. One bucket per configured key, so
 * memory is bounded by the key list.
 */
public final class RateLimiter {

	private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

	private final LongSupplier nanoTime;

	/**
	 * A limiter.
	 * @param nanoTime the monotonic time source
	 */
	public RateLimiter(LongSupplier nanoTime) {
		this.nanoTime = nanoTime;
	}

	/**
	 * Takes one token from the key's bucket.
	 * @param keyId the key
	 * @param requestsPerSecond the sustained rate; 0 or less means no limit
	 * @param burst the bucket size
	 * @return 0 when the request may proceed, otherwise the whole seconds until a token
	 * is available (at least 1)
	 */
	public long tryAcquire(String keyId, double requestsPerSecond, int burst) {
		if (requestsPerSecond <= 0) {
			return 0;
		}
		Bucket bucket = this.buckets.computeIfAbsent(keyId,
				(id) -> new Bucket(Math.max(1, burst), this.nanoTime.getAsLong()));
		return bucket.take(requestsPerSecond, Math.max(1, burst), this.nanoTime.getAsLong());
	}

	private static final class Bucket {

		private double tokens;

		private long last;

		Bucket(int burst, long now) {
			this.tokens = burst;
			this.last = now;
		}

		synchronized long take(double rate, int burst, long now) {
			double elapsedSeconds = Math.max(0, now - this.last) / 1e9;
			this.last = now;
			this.tokens = Math.min(burst, this.tokens + elapsedSeconds * rate);
			if (this.tokens >= 1) {
				this.tokens -= 1;
				return 0;
			}
			double wait = (1 - this.tokens) / rate;
			return Math.max(1, (long) Math.ceil(wait));
		}

	}

}
