package tech.onceonly.store.redis;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import tech.onceonly.store.LeaseRecord;

/**
 * The in-process copies of finished (completed or failed) leases behind
 * {@link RedisStore}'s near cache. A finished lease cannot change in Redis until its
 * {@code expires_at} except by an operator delete, so a copy answers as Redis would, as
 * long as:
 * <ul>
 * <li>it is younger than {@code maxAge} (the bound on a missed delete);</li>
 * <li>the store time, estimated from the Redis time read with the copy, is a safety
 * margin before its {@code expires_at};</li>
 * <li>the invalidation subscription is up ({@link #live(boolean)}); every (re)subscribe
 * and every drop clears the copies, since deletes may have been missed meanwhile.</li>
 * </ul>
 * The store-time estimate is per copy, so each copy uses the clock of the node that
 * answered it (a cluster's nodes have clocks of their own): the Redis time {@code T} of
 * the answer was read after the local time {@code t0} at which the call was sent, so
 * {@code T + (t - t0)} is never earlier than the Redis time at local time {@code t}
 * (clocks run at the same rate): the estimate errs towards expiry.
 * <p>
 * Reads are lock-free; fills, evictions and invalidations (rare: one fill per key per
 * {@code maxAge}) take one lock, which also makes "no invalidation since the call was
 * sent" and the fill one atomic step (see {@link #generation(String)}).
 */
final class RedisNearCache {

	/**
	 * How long before its {@code expires_at} (by the estimated store time) a copy stops
	 * being served: room for a Redis clock that steps or runs faster than ours.
	 */
	static final long SAFETY_MARGIN_MILLIS = 100;

	/** Bytes counted per copy on top of its strings (record, entry, map node). */
	private static final int ENTRY_OVERHEAD = 160;

	private static final int STRIPES = 1024;

	private final long maxAgeNanos;

	private final int maxEntries;

	private final long maxBytes;

	private final LongSupplier nanoTime;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	/** The same copies in the order they were filled (eviction order); under the lock. */
	private final LinkedHashMap<String, Entry> order = new LinkedHashMap<>();

	private long bytes;

	/** Bumped by every clear. */
	private final AtomicLong epoch = new AtomicLong();

	/** Bumped by every invalidation of a key that hashes to the slot. */
	private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);

	private volatile boolean live;

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	RedisNearCache(RedisNearCacheSettings settings, LongSupplier nanoTime) {
		this.maxAgeNanos = settings.maxAge().toNanos();
		this.maxEntries = settings.maxEntries();
		this.maxBytes = settings.maxBytes();
		this.nanoTime = nanoTime;
	}

	/**
	 * The local monotonic time in nanoseconds (the clock every copy's age is read on).
	 */
	long nanoTime() {
		return this.nanoTime.getAsLong();
	}

	/**
	 * Changes with every invalidation of {@code key} (or of a key sharing its slot) and
	 * every clear: read before a call is sent and handed to {@link #fill}, it keeps an
	 * answer read before a delete from being cached after the delete was heard.
	 */
	long generation(String key) {
		return this.epoch.get() + this.stripes.get(stripe(key));
	}

	private static int stripe(String key) {
		int hash = key.hashCode();
		return (hash ^ (hash >>> 16)) & (STRIPES - 1);
	}

	/**
	 * The copy of {@code key} as read at the estimated store time, or {@code null} (a
	 * miss) when there is none or it may no longer be what Redis holds.
	 * @param offsetMillis the store's test shift of the Redis clock now
	 */
	@Nullable LeaseRecord get(String key, long offsetMillis) {
		Entry entry = this.entries.get(key);
		if (entry == null || !this.live) {
			this.misses.increment();
			return null;
		}
		long now = nanoTime();
		long storeNow = Math.floorDiv(now, 1_000_000L) + entry.redisMinusLocalMillis + offsetMillis;
		if (now - entry.filledNanos >= this.maxAgeNanos
				|| storeNow + SAFETY_MARGIN_MILLIS >= entry.record.expiresAt().toEpochMilli()) {
			remove(key, entry);
			this.misses.increment();
			return null;
		}
		this.hits.increment();
		LeaseRecord r = entry.record;
		return new LeaseRecord(r.key(), r.state(), r.leaseId(), r.version(), r.firstSeenAt(), r.expiresAt(), r.doneAt(),
				r.resultJson(), r.resultHash(), r.errorCode(), r.metadataJson(),
				Instant.ofEpochMilli(Math.max(storeNow, r.now().toEpochMilli())));
	}

	/**
	 * Keeps {@code record} (a finished lease that Redis answered, or that this store just
	 * wrote) unless an invalidation came since {@code generation} was read, the
	 * subscription is down, or it is too close to its end or too big.
	 * @param sentNanos the local time just before the call that answered it was sent
	 * @param offsetMillis the test shift the call was made with (included in
	 * {@code record.now()})
	 */
	void fill(LeaseRecord record, long sentNanos, long offsetMillis, long generation) {
		if (!record.state().isTerminal()) {
			return;
		}
		long redisMinusLocal = record.now().toEpochMilli() - offsetMillis - Math.floorDiv(sentNanos, 1_000_000L);
		if (record.now().toEpochMilli() + SAFETY_MARGIN_MILLIS >= record.expiresAt().toEpochMilli()) {
			return;
		}
		long weight = weight(record);
		if (weight > this.maxBytes) {
			return;
		}
		Entry entry = new Entry(record, redisMinusLocal, sentNanos, weight);
		synchronized (this) {
			if (!this.live || generation != generation(record.key())) {
				return;
			}
			Entry replaced = this.order.remove(record.key());
			if (replaced != null) {
				this.bytes -= replaced.weight;
			}
			this.order.put(record.key(), entry);
			this.entries.put(record.key(), entry);
			this.bytes += weight;
			Iterator<Entry> eldest = this.order.values().iterator();
			while ((this.order.size() > this.maxEntries || this.bytes > this.maxBytes) && eldest.hasNext()) {
				Entry evicted = eldest.next();
				eldest.remove();
				this.entries.remove(evicted.record.key(), evicted);
				this.bytes -= evicted.weight;
			}
		}
	}

	/** Drops the copy of {@code key} (deleted in Redis), and any fill in flight. */
	synchronized void invalidate(String key) {
		this.stripes.incrementAndGet(stripe(key));
		Entry removed = this.order.remove(key);
		if (removed != null) {
			this.entries.remove(key, removed);
			this.bytes -= removed.weight;
		}
	}

	/** Drops every copy and any fill in flight. */
	synchronized void clear() {
		this.epoch.incrementAndGet();
		this.order.clear();
		this.entries.clear();
		this.bytes = 0;
	}

	/**
	 * Whether the invalidations are heard: copies are served and kept only while
	 * {@code true}; every change clears them.
	 */
	void live(boolean live) {
		synchronized (this) {
			this.live = live;
			clear();
		}
	}

	boolean isLive() {
		return this.live;
	}

	private synchronized void remove(String key, Entry entry) {
		if (this.order.remove(key, entry)) {
			this.entries.remove(key, entry);
			this.bytes -= entry.weight;
		}
	}

	/** Copies held now. */
	int size() {
		return this.entries.size();
	}

	/** Bytes counted against {@code maxBytes} now. */
	synchronized long bytes() {
		return this.bytes;
	}

	long hits() {
		return this.hits.sum();
	}

	long misses() {
		return this.misses.sum();
	}

	private static long weight(LeaseRecord record) {
		return ENTRY_OVERHEAD + chars(record.key()) + chars(record.resultJson()) + chars(record.resultHash())
				+ chars(record.errorCode()) + chars(record.metadataJson());
	}

	/** One byte per character while all are Latin-1, else two (as the JVM keeps them). */
	private static long chars(@Nullable String text) {
		if (text == null) {
			return 0;
		}
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) > 0xFF) {
				return 2L * text.length();
			}
		}
		return text.length();
	}

	private record Entry(LeaseRecord record, long redisMinusLocalMillis, long filledNanos, long weight) {

	}

}
