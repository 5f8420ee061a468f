package tech.onceonly.store.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How the {@link RedisStore}'s near cache of finished leases is bounded: an in-process
 * copy of completed and failed leases that answers a replay without a Redis round trip.
 * Such an entry cannot change in Redis until its retention ends except by an operator
 * delete, which every store on the same key prefix hears on a pub/sub channel; a copy is
 * served at most {@code maxAge} after it was read or written, and never within a safety
 * margin of its retention end by the Redis clock.
 *
 * @param enabled whether finished leases are kept in the process at all
 * @param maxAge the longest a copy is served after it was read from or written to Redis:
 * the bound on how stale an answer can be when a delete is not heard (a {@code DEL} typed
 * by hand, a lost pub/sub message); between 1 ms and 1 minute
 * @param maxEntries the most leases kept; at least 1
 * @param maxBytes the most bytes of keys, results, hashes, error codes and metadata kept
 * (one byte per Latin-1 character, two otherwise); at least 1
 */
public record RedisNearCacheSettings(boolean enabled, Duration maxAge, int maxEntries, long maxBytes) {

	/** The default longest a copy is served: two seconds. */
	public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(2);

	/** The default most leases kept. */
	public static final int DEFAULT_MAX_ENTRIES = 10_000;

	/** The default most bytes kept: 8 MiB. */
	public static final long DEFAULT_MAX_BYTES = 8L * 1024 * 1024;

	private static final Duration LONGEST_MAX_AGE = Duration.ofMinutes(1);

	/** On, with the default bounds. */
	public static final RedisNearCacheSettings DEFAULTS = new RedisNearCacheSettings(true, DEFAULT_MAX_AGE,
			DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES);

	/** Off: every call goes to Redis. */
	public static final RedisNearCacheSettings OFF = new RedisNearCacheSettings(false, DEFAULT_MAX_AGE,
			DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES);

	public RedisNearCacheSettings {
		Objects.requireNonNull(maxAge, "maxAge");
		if (maxAge.compareTo(Duration.ofMillis(1)) < 0 || maxAge.compareTo(LONGEST_MAX_AGE) > 0) {
			throw new IllegalArgumentException("Invalid OnceOnly Redis near-cache max-age " + maxAge
					+ ": it must be between 1ms and 1m (it bounds how stale a replay can be when a delete is missed)");
		}
		if (maxEntries < 1) {
			throw new IllegalArgumentException(
					"Invalid OnceOnly Redis near-cache max-entries " + maxEntries + ": it must be at least 1");
		}
		if (maxBytes < 1) {
			throw new IllegalArgumentException(
					"Invalid OnceOnly Redis near-cache max-bytes " + maxBytes + ": it must be at least 1");
		}
	}

}
