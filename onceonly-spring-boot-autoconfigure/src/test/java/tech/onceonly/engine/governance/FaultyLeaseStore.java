package tech.onceonly.engine.governance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import org.jspecify.annotations.Nullable;

import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LockRecord;
import tech.onceonly.store.LockResult;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.StoreException;

/**
 * A lease store over another that fails chosen operations before applying them, counts
 * heartbeats and reads per key, and remembers the keys acquired, so tests can inject
 * store faults at exact points of the governed pipeline.
 */
final class FaultyLeaseStore implements OnceOnlyStore {

	private final OnceOnlyStore delegate;

	private final List<String> acquired = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicInteger> extendsByKey = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> readsByKey = new ConcurrentHashMap<>();

	/** Completions (and fails) to refuse before the next one is applied. */
	final AtomicInteger completionFailures = new AtomicInteger();

	/** Completions to apply and then fail, as if their answer was lost. */
	final AtomicInteger lostCompletionAnswers = new AtomicInteger();

	/** Refuse every completion (and fail) while true. */
	volatile boolean failCompletions;

	/** Refuse every heartbeat while true. */
	volatile boolean failExtends;

	/** Runs at every refused completion. */
	volatile Runnable onRefusedCompletion = () -> {
	};

	FaultyLeaseStore(OnceOnlyStore delegate) {
		this.delegate = delegate;
	}

	/** The first acquired key that contains {@code part}. */
	String acquiredKey(String part) {
		return this.acquired.stream()
			.filter((key) -> key.contains(part))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no key containing '" + part + "' was acquired"));
	}

	int extendsOf(String key) {
		AtomicInteger count = this.extendsByKey.get(key);
		return (count != null) ? count.get() : 0;
	}

	int readsOf(String key) {
		AtomicInteger count = this.readsByKey.get(key);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * Waits until two more heartbeats of {@code key} happened: the second started after
	 * this call, so it renewed the lease from the store time of now on.
	 */
	void awaitFreshHeartbeat(String key) {
		int seen = extendsOf(key);
		await(() -> extendsOf(key), seen + 2, "a heartbeat of " + key);
	}

	/** Waits until {@code key} was read at least {@code count} times. */
	void awaitReads(String key, int count) {
		await(() -> readsOf(key), count, count + " reads of " + key);
	}

	private static void await(IntSupplier value, int atLeast, String what) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (value.getAsInt() < atLeast) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("timed out waiting for " + what);
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

	private void refuseCompletion() {
		if (this.failCompletions || this.completionFailures.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
			this.onRefusedCompletion.run();
			throw new StoreException("injected: the store is unavailable");
		}
	}

	@Override
	public String type() {
		return this.delegate.type();
	}

	@Override
	public Instant now() {
		return this.delegate.now();
	}

	@Override
	public LockResult tryLock(String key, Duration ttl, @Nullable String metadataJson) {
		return this.delegate.tryLock(key, ttl, metadataJson);
	}

	@Override
	public @Nullable LockRecord getLock(String key) {
		return this.delegate.getLock(key);
	}

	@Override
	public boolean releaseLock(String key) {
		return this.delegate.releaseLock(key);
	}

	@Override
	public LeaseResult acquireLease(String key, Duration ttl, String newLeaseId, @Nullable String metadataJson) {
		LeaseResult result = this.delegate.acquireLease(key, ttl, newLeaseId, metadataJson);
		if (result.outcome() == LeaseResult.Outcome.ACQUIRED) {
			this.acquired.add(key);
		}
		return result;
	}

	@Override
	public @Nullable LeaseRecord extendLease(String key, String leaseId, Duration ttl) {
		if (this.failExtends) {
			throw new StoreException("injected: the store is unavailable");
		}
		LeaseRecord record = this.delegate.extendLease(key, leaseId, ttl);
		this.extendsByKey.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
		return record;
	}

	@Override
	public @Nullable Instant completeLease(String key, String leaseId, @Nullable String resultJson,
			@Nullable String resultHash, Duration retention) {
		refuseCompletion();
		Instant doneAt = this.delegate.completeLease(key, leaseId, resultJson, resultHash, retention);
		if (this.lostCompletionAnswers.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
			throw new StoreException("injected: the connection was reset before the answer arrived");
		}
		return doneAt;
	}

	@Override
	public @Nullable Instant failLease(String key, String leaseId, String errorCode, @Nullable String errorHash,
			Duration retention) {
		refuseCompletion();
		return this.delegate.failLease(key, leaseId, errorCode, errorHash, retention);
	}

	@Override
	public boolean cancelLease(String key, String leaseId) {
		return this.delegate.cancelLease(key, leaseId);
	}

	@Override
	public @Nullable LeaseRecord getLease(String key) {
		this.readsByKey.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
		return this.delegate.getLease(key);
	}

	@Override
	public boolean deleteLease(String key) {
		return this.delegate.deleteLease(key);
	}

}
