package tech.onceonly.store.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.LockRecord;
import tech.onceonly.store.LockResult;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.StoreException;

/**
 * A bounded in-process store: atomic per key ({@link ConcurrentHashMap#compute}), time
 * from a {@link Clock}, and expired entries swept as writes go by, so memory stays flat
 * under millions of keys. When the store holds {@code maxEntries} live entries it refuses
 * new keys with a {@link StoreException} rather than forget a live one (which would break
 * the exactly-once guarantee). The same holds for bytes: what live entries hold is
 * counted — the characters of keys and of the metadata of locks and held leases (one byte
 * per character of a string that is all Latin-1, two per character of any other, as
 * compact strings hold them), and the whole array a completed or failed lease is kept as
 * (its times and version, result, result hash, error code and metadata; see
 * {@link FinishedLease}); object headers and map nodes are not counted — and once they
 * reach {@code maxBytes} new keys are refused too, after a sweep of what has expired. A
 * completion is never refused for size (its work has already run): the bound can be
 * passed by at most the results of the leases held when it was reached.
 * <p>
 * Unless a clock is given, time is a {@link MonotonicClock}: the wall clock read once,
 * then elapsed {@link System#nanoTime()}, so a step of the wall clock never expires a
 * live lease nor keeps an expired one.
 */
public final class InMemoryStore implements OnceOnlyStore {

	/** The default bound on live entries (locks and leases together). */
	public static final int DEFAULT_MAX_ENTRIES = 1_000_000;

	/** The default bound on the bytes of live entries' keys, metadata and results. */
	public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

	private static final int SWEEP_EVERY_WRITES = 8192;

	private static final long EXPIRED_HOLDER_GRACE_MILLIS = Duration.ofMinutes(10).toMillis();

	private final Clock clock;

	private final int maxEntries;

	private final long maxBytes;

	/** Bytes of the keys, metadata and results of the entries held now. */
	private final AtomicLong bytes = new AtomicLong();

	private final ConcurrentHashMap<String, LockEntry> locks = new ConcurrentHashMap<>();

	/**
	 * Leases by key: a {@link LeaseEntry} while held or released, a {@link FinishedLease}
	 * {@code byte[]} once completed or failed.
	 */
	private final ConcurrentHashMap<String, Object> leases = new ConcurrentHashMap<>();

	private final AtomicLong writes = new AtomicLong();

	private volatile boolean sweeping;

	/** The write count at which the next periodic sweep runs. */
	private volatile long nextSweepAt = SWEEP_EVERY_WRITES;

	/**
	 * A lower bound of every entry's expiry: before it nothing can be swept, so no sweep
	 * runs (a sweep that could remove nothing would still visit every entry).
	 */
	private final AtomicLong earliestExpiry = new AtomicLong(Long.MAX_VALUE);

	/**
	 * A store of at most {@value #DEFAULT_MAX_ENTRIES} live entries on a
	 * {@link MonotonicClock}.
	 */
	public InMemoryStore() {
		this(DEFAULT_MAX_ENTRIES);
	}

	/**
	 * A store of at most {@code maxEntries} live entries on a {@link MonotonicClock}, so
	 * expiry follows elapsed time whatever the wall clock does.
	 */
	public InMemoryStore(int maxEntries) {
		this(new MonotonicClock(), maxEntries);
	}

	/**
	 * A store of at most {@value #DEFAULT_MAX_ENTRIES} live entries judging expiry by
	 * {@code clock} (tests pass a clock they move).
	 */
	public InMemoryStore(Clock clock) {
		this(clock, DEFAULT_MAX_ENTRIES);
	}

	/**
	 * A store of at most {@code maxEntries} live entries judging expiry by {@code clock}.
	 * A wall clock such as {@link Clock#systemUTC()} makes every lease expire when it
	 * steps forward; prefer a {@link MonotonicClock}.
	 */
	public InMemoryStore(Clock clock, int maxEntries) {
		this(clock, maxEntries, DEFAULT_MAX_BYTES);
	}

	/**
	 * A store of at most {@code maxEntries} live entries and {@code maxBytes} bytes of
	 * their keys, metadata and results, judging expiry by {@code clock}.
	 */
	public InMemoryStore(Clock clock, int maxEntries, long maxBytes) {
		if (maxEntries < 1) {
			throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
		}
		if (maxBytes < 1) {
			throw new IllegalArgumentException("maxBytes must be at least 1, was " + maxBytes);
		}
		this.clock = clock;
		this.maxEntries = maxEntries;
		this.maxBytes = maxBytes;
	}

	/**
	 * A store of at most {@code maxEntries} live entries and {@code maxBytes} bytes on a
	 * {@link MonotonicClock}.
	 */
	public InMemoryStore(int maxEntries, long maxBytes) {
		this(new MonotonicClock(), maxEntries, maxBytes);
	}

	/** The clock that decides expiry. */
	Clock clock() {
		return this.clock;
	}

	@Override
	public String type() {
		return "memory";
	}

	@Override
	public Instant now() {
		return this.clock.instant();
	}

	/** Live and not yet swept entries held now (locks plus leases). */
	public int size() {
		return this.locks.size() + this.leases.size();
	}

	/**
	 * The bytes counted against {@code maxBytes} now: the characters of keys and of live
	 * entries' metadata (one per character of a Latin-1 string, two per character of any
	 * other), and the whole array of each completed or failed lease (times, version,
	 * result, result hash, error code, metadata).
	 */
	public long bytes() {
		return this.bytes.get();
	}

	private static long weight(String key, @Nullable String metadataJson) {
		return weight(key) + ((metadataJson != null) ? weight(metadataJson) : 0);
	}

	/**
	 * The bytes a string's characters take: one each while they are all Latin-1 (a
	 * compact string), two each once one is not (stored text bodies may be any Unicode).
	 */
	private static long weight(String text) {
		return FinishedLease.isLatin1(text) ? text.length() : 2L * text.length();
	}

	/**
	 * The bytes counted for a lease entry under {@code key}: the key's characters and,
	 * for a finished lease, its whole encoded array (times, version, result, hash, error
	 * code, metadata); for a held or released one, its metadata's characters.
	 */
	private static long weight(String key, Object lease) {
		return (lease instanceof byte[] finished) ? weight(key) + finished.length
				: weight(key, ((LeaseEntry) lease).metadataJson);
	}

	private static boolean isGone(Object lease, long now) {
		return (lease instanceof byte[] finished) ? FinishedLease.expiresAt(finished) <= now
				: ((LeaseEntry) lease).isGone(now);
	}

	private static long expiresAt(Object lease) {
		return (lease instanceof byte[] finished) ? FinishedLease.expiresAt(finished) : ((LeaseEntry) lease).expiresAt;
	}

	private static LeaseRecord toRecord(Object lease, String key, long now) {
		return (lease instanceof byte[] finished) ? FinishedLease.toRecord(finished, key, now)
				: ((LeaseEntry) lease).toRecord(key, now);
	}

	private static @Nullable LeaseEntry live(Object lease) {
		return (lease instanceof LeaseEntry entry) ? entry : null;
	}

	@Override
	public LockResult tryLock(String key, Duration ttl, @Nullable String metadataJson) {
		long now = this.clock.millis();
		beforeWrite(now);
		if (this.locks.size() + this.leases.size() < this.maxEntries && this.bytes.get() < this.maxBytes) {
			// room for a new key: a new key (the common case) takes one putIfAbsent and
			// no capturing lambda; a key held before goes the compute way below
			LockEntry taken = new LockEntry(now, now + ttl.toMillis(), metadataJson);
			if (this.locks.putIfAbsent(key, taken) == null) {
				this.bytes.addAndGet(taken.weight(key));
				noteExpiry(taken.expiresAt);
				return new LockResult(true, taken.toRecord(key, now));
			}
		}
		LockEntry[] previous = new LockEntry[1];
		LockEntry entry = this.locks.compute(key, (k, current) -> {
			if (current != null && current.expiresAt > now) {
				previous[0] = current;
				return current;
			}
			if (current == null) {
				checkCapacity();
			}
			LockEntry taken = new LockEntry(now, now + ttl.toMillis(), metadataJson);
			this.bytes.addAndGet(taken.weight(k) - ((current != null) ? current.weight(k) : 0));
			return taken;
		});
		boolean acquired = previous[0] == null;
		if (acquired) {
			noteExpiry(entry.expiresAt);
		}
		return new LockResult(acquired, entry.toRecord(key, now));
	}

	@Override
	public @Nullable LockRecord getLock(String key) {
		long now = this.clock.millis();
		LockEntry entry = this.locks.get(key);
		return (entry != null && entry.expiresAt > now) ? entry.toRecord(key, now) : null;
	}

	@Override
	public boolean releaseLock(String key) {
		LockEntry removed = this.locks.remove(key);
		if (removed != null) {
			this.bytes.addAndGet(-removed.weight(key));
		}
		return removed != null;
	}

	@Override
	public LeaseResult acquireLease(String key, Duration ttl, String newLeaseId, @Nullable String metadataJson) {
		long now = this.clock.millis();
		beforeWrite(now);
		if (this.locks.size() + this.leases.size() < this.maxEntries && this.bytes.get() < this.maxBytes) {
			// a new key takes one putIfAbsent; a key seen before goes the compute way
			// below
			LeaseEntry taken = new LeaseEntry(LeaseState.HELD, newLeaseId, 1, now, now + ttl.toMillis(), metadataJson);
			if (this.leases.putIfAbsent(key, taken) == null) {
				this.bytes.addAndGet(weight(key, taken));
				noteExpiry(taken.expiresAt);
				return new LeaseResult(LeaseResult.Outcome.ACQUIRED, taken.toRecord(key, now));
			}
		}
		LeaseResult.Outcome[] outcome = new LeaseResult.Outcome[1];
		Object entry = this.leases.compute(key, (k, current) -> {
			if (current instanceof byte[] finished) {
				if (FinishedLease.expiresAt(finished) > now) {
					outcome[0] = (FinishedLease.state(finished) == LeaseState.COMPLETED) ? LeaseResult.Outcome.COMPLETED
							: LeaseResult.Outcome.FAILED;
					return current;
				}
			}
			else if (current instanceof LeaseEntry held && !held.isGone(now) && held.state == LeaseState.HELD
					&& held.expiresAt > now) {
				outcome[0] = LeaseResult.Outcome.HELD_BY_OTHER;
				return current;
			}
			outcome[0] = LeaseResult.Outcome.ACQUIRED;
			// a finished entry here is past its retention: the key starts over
			LeaseEntry continued = (current != null) ? live(current) : null;
			if (current == null) {
				checkCapacity();
			}
			long firstSeen = (continued != null) ? continued.firstSeenAt : now;
			long version = (continued != null) ? continued.version + 1 : 1;
			LeaseEntry taken = new LeaseEntry(LeaseState.HELD, newLeaseId, version, firstSeen, now + ttl.toMillis(),
					metadataJson);
			this.bytes.addAndGet(weight(k, taken) - ((current != null) ? weight(k, current) : 0));
			return taken;
		});
		if (outcome[0] == LeaseResult.Outcome.ACQUIRED) {
			noteExpiry(expiresAt(entry));
		}
		return new LeaseResult(outcome[0], toRecord(entry, key, now));
	}

	@Override
	public @Nullable LeaseRecord extendLease(String key, String leaseId, Duration ttl) {
		long now = this.clock.millis();
		noteExpiry(now + ttl.toMillis());
		Object entry = this.leases.computeIfPresent(key,
				(k, current) -> (current instanceof LeaseEntry held && held.heldBy(leaseId))
						? held.with(LeaseState.HELD, leaseId, now + ttl.toMillis()) : current);
		return (entry instanceof LeaseEntry held && held.heldBy(leaseId)) ? held.toRecord(key, now) : null;
	}

	@Override
	public @Nullable Instant completeLease(String key, String leaseId, @Nullable String resultJson,
			@Nullable String resultHash, Duration retention) {
		return finish(key, leaseId, LeaseState.COMPLETED, resultJson, resultHash, null, retention);
	}

	@Override
	public @Nullable Instant failLease(String key, String leaseId, String errorCode, @Nullable String errorHash,
			Duration retention) {
		return finish(key, leaseId, LeaseState.FAILED, null, null, errorCode, retention);
	}

	private @Nullable Instant finish(String key, String leaseId, LeaseState state, @Nullable String resultJson,
			@Nullable String resultHash, @Nullable String errorCode, Duration retention) {
		long now = this.clock.millis();
		noteExpiry(now + retention.toMillis());
		boolean[] done = new boolean[1];
		this.leases.computeIfPresent(key, (k, current) -> {
			if (!(current instanceof LeaseEntry held) || !held.heldBy(leaseId)) {
				return current;
			}
			done[0] = true;
			byte[] finished = FinishedLease.encode(state, held.version, held.firstSeenAt, now + retention.toMillis(),
					now, resultJson, resultHash, errorCode, held.metadataJson);
			this.bytes.addAndGet(weight(k, finished) - weight(k, held));
			return finished;
		});
		return done[0] ? Instant.ofEpochMilli(now) : null;
	}

	@Override
	public boolean cancelLease(String key, String leaseId) {
		long now = this.clock.millis();
		noteExpiry(now);
		boolean[] done = new boolean[1];
		this.leases.computeIfPresent(key, (k, current) -> {
			if (!(current instanceof LeaseEntry held) || !held.heldBy(leaseId)) {
				return current;
			}
			done[0] = true;
			return held.with(LeaseState.RELEASED, null, now);
		});
		return done[0];
	}

	@Override
	public @Nullable LeaseRecord getLease(String key) {
		long now = this.clock.millis();
		Object entry = this.leases.get(key);
		if (entry instanceof byte[] finished) {
			return (FinishedLease.expiresAt(finished) > now) ? FinishedLease.toRecord(finished, key, now) : null;
		}
		return (entry != null) ? ((LeaseEntry) entry).toRecord(key, now) : null;
	}

	@Override
	public boolean deleteLease(String key) {
		Object removed = this.leases.remove(key);
		if (removed != null) {
			this.bytes.addAndGet(-weight(key, removed));
		}
		return removed != null;
	}

	private void checkCapacity() {
		if (this.locks.size() + this.leases.size() >= this.maxEntries) {
			throw new StoreException("The in-memory store is full: it holds " + this.maxEntries
					+ " unexpired entries (onceonly.store.memory.max-entries); raise the bound or shorten ttls");
		}
		long held = this.bytes.get();
		if (held >= this.maxBytes) {
			throw new StoreException("The in-memory store is full: its unexpired entries hold " + held
					+ " bytes of keys, metadata and results, at least the bound of " + this.maxBytes
					+ " (onceonly.store.memory.max-bytes); raise the bound, shorten the retention or store "
					+ "smaller results");
		}
	}

	private void beforeWrite(long now) {
		long count = this.writes.incrementAndGet();
		if ((count >= this.nextSweepAt || size() >= this.maxEntries || this.bytes.get() >= this.maxBytes)
				&& !this.sweeping && now >= this.earliestExpiry.get()) {
			sweep(now);
		}
	}

	/** Keeps {@link #earliestExpiry} at or below {@code expiresAt}. */
	private void noteExpiry(long expiresAt) {
		long current = this.earliestExpiry.get();
		while (expiresAt < current && !this.earliestExpiry.compareAndSet(current, expiresAt)) {
			current = this.earliestExpiry.get();
		}
	}

	/**
	 * Removes every entry whose lock, lease or retention has ended; returns how many were
	 * removed.
	 */
	public int sweep() {
		return sweep(this.clock.millis());
	}

	private synchronized int sweep(long now) {
		this.sweeping = true;
		try {
			int before = size();
			// writes during the sweep lower the bound again themselves; the scan finds
			// the rest
			this.earliestExpiry.set(Long.MAX_VALUE);
			long[] earliest = { Long.MAX_VALUE };
			// remove(key, value) removes only the entry seen, never one a concurrent
			// write just replaced, and tells whether its bytes went with it
			this.locks.forEach((key, entry) -> {
				earliest[0] = Math.min(earliest[0], entry.expiresAt);
				if (entry.expiresAt <= now && this.locks.remove(key, entry)) {
					this.bytes.addAndGet(-entry.weight(key));
				}
			});
			this.leases.forEach((key, entry) -> {
				earliest[0] = Math.min(earliest[0], expiresAt(entry));
				if (isGone(entry, now) && this.leases.remove(key, entry)) {
					this.bytes.addAndGet(-weight(key, entry));
				}
			});
			noteExpiry(earliest[0]);
			int after = size();
			// a sweep visits every entry: space them by a quarter of the size so a write
			// pays O(1) on average
			this.nextSweepAt = this.writes.get() + Math.max(SWEEP_EVERY_WRITES, after / 4);
			return before - after;
		}
		finally {
			this.sweeping = false;
		}
	}

	private static final class LockEntry {

		final long firstSeenAt;

		final long expiresAt;

		final @Nullable String metadataJson;

		LockEntry(long firstSeenAt, long expiresAt, @Nullable String metadataJson) {
			this.firstSeenAt = firstSeenAt;
			this.expiresAt = expiresAt;
			this.metadataJson = metadataJson;
		}

		long weight(String key) {
			return InMemoryStore.weight(key, this.metadataJson);
		}

		LockRecord toRecord(String key, long now) {
			Instant at = Instant.ofEpochMilli(now);
			Instant firstSeen = (this.firstSeenAt == now) ? at : Instant.ofEpochMilli(this.firstSeenAt);
			return new LockRecord(key, firstSeen, Instant.ofEpochMilli(this.expiresAt), this.metadataJson, at);
		}

	}

	/** A lease held or released (a finished one is a {@link FinishedLease} array). */
	private static final class LeaseEntry {

		final LeaseState state;

		final @Nullable String leaseId;

		final long version;

		final long firstSeenAt;

		final long expiresAt;

		final @Nullable String metadataJson;

		LeaseEntry(LeaseState state, @Nullable String leaseId, long version, long firstSeenAt, long expiresAt,
				@Nullable String metadataJson) {
			this.state = state;
			this.leaseId = leaseId;
			this.version = version;
			this.firstSeenAt = firstSeenAt;
			this.expiresAt = expiresAt;
			this.metadataJson = metadataJson;
		}

		boolean heldBy(String id) {
			return this.state == LeaseState.HELD && id.equals(this.leaseId);
		}

		/**
		 * Nothing worth keeping: released, or expired while held for longer than a grace
		 * period (during which the late holder may still finish if nobody took over).
		 */
		boolean isGone(long now) {
			long end = (this.state == LeaseState.HELD) ? this.expiresAt + EXPIRED_HOLDER_GRACE_MILLIS : this.expiresAt;
			return end <= now;
		}

		LeaseEntry with(LeaseState newState, @Nullable String newLeaseId, long newExpiresAt) {
			return new LeaseEntry(newState, newLeaseId, this.version, this.firstSeenAt, newExpiresAt,
					this.metadataJson);
		}

		LeaseRecord toRecord(String key, long now) {
			Instant at = Instant.ofEpochMilli(now);
			Instant firstSeen = (this.firstSeenAt == now) ? at : Instant.ofEpochMilli(this.firstSeenAt);
			return new LeaseRecord(key, this.state, this.leaseId, this.version, firstSeen,
					Instant.ofEpochMilli(this.expiresAt), null, null, null, null, this.metadataJson, at);
		}

	}

}
