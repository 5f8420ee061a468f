package tech.onceonly.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract plus what only many threads and a moving clock show: a fuzz of
 * acquire, extend, complete, cancel and stale-holder writes with leases expiring under
 * the workers, and a store clock minutes away from the JVM clock.
 */
public abstract class AbstractStoreConcurrencyTests extends AbstractStoreContractTests {

	private static final Duration FUZZ_TTL = Duration.ofSeconds(10);

	private static final int HOT_KEY_ACQUISITIONS = 20;

	/**
	 * Invariants: within one clock epoch (no expiry possible) a key has at most one
	 * holder; a key completes at most once; a completed key is never acquired again; a
	 * holder whose lease did not expire can always extend and finish; a stale holder
	 * finishes only when nobody took over.
	 */
	@Test
	void fuzzShouldNeverHaveTwoHoldersNorRunACompletedKeyAgain() throws Exception {
		int threads = 8;
		int opsPerThread = 150;
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < 24; i++) {
			keys.add(key("fuzz-" + i));
		}
		ReentrantReadWriteLock epochLock = new ReentrantReadWriteLock();
		AtomicInteger epoch = new AtomicInteger();
		Map<String, Holder> holders = new ConcurrentHashMap<>();
		Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
		Set<String> completed = ConcurrentHashMap.newKeySet();
		ConcurrentLinkedQueue<Holder> abandoned = new ConcurrentLinkedQueue<>();
		ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
		AtomicInteger acquisitions = new AtomicInteger();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(pool.submit(() -> {
					start.await();
					ThreadLocalRandom random = ThreadLocalRandom.current();
					for (int op = 0; op < opsPerThread; op++) {
						String key = keys.get(random.nextInt(keys.size()));
						epochLock.readLock().lock();
						try {
							if (random.nextInt(10) == 0) {
								Holder stale = abandoned.poll();
								if (stale != null) {
									finishStale(stale, completions, completed, violations);
								}
								continue;
							}
							String leaseId = UUID.randomUUID().toString();
							LeaseResult result = this.store.acquireLease(key, FUZZ_TTL, leaseId, null);
							if (result.outcome() != LeaseResult.Outcome.ACQUIRED) {
								continue;
							}
							acquisitions.incrementAndGet();
							Holder holder = new Holder(key, leaseId, epoch.get());
							Holder previous = holders.put(key, holder);
							if (previous != null && previous.epoch == holder.epoch) {
								violations.add("two holders of " + key + ": " + previous.leaseId + " and " + leaseId);
							}
							if (completed.contains(key)) {
								violations.add("completed key acquired again: " + key);
							}
							int action = random.nextInt(10);
							if (action < 2) {
								holders.remove(key, holder);
								Instant doneAt = this.store.completeLease(key, leaseId, "{\"by\":\"" + leaseId + "\"}",
										null, RETENTION);
								if (doneAt == null) {
									violations.add("live holder could not complete " + key);
								}
								else {
									recordCompletion(key, completions, completed, violations);
								}
							}
							else if (action < 6) {
								holders.remove(key, holder);
								if (!this.store.cancelLease(key, leaseId)) {
									violations.add("live holder could not cancel " + key);
								}
							}
							else {
								if (this.store.extendLease(key, leaseId, FUZZ_TTL) == null) {
									violations.add("live holder could not extend " + key);
								}
								abandoned.add(holder);
							}
						}
						finally {
							epochLock.readLock().unlock();
						}
					}
					return null;
				}));
			}
			Future<?> clockMover = pool.submit(() -> {
				start.await();
				for (int i = 0; i < 12; i++) {
					TimeUnit.MILLISECONDS.sleep(40);
					epochLock.writeLock().lock();
					try {
						epoch.incrementAndGet();
						advanceTime(FUZZ_TTL.plusSeconds(1));
					}
					finally {
						epochLock.writeLock().unlock();
					}
				}
				return null;
			});
			start.countDown();
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
			clockMover.get(120, TimeUnit.SECONDS);
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(violations).isEmpty();
		assertThat(acquisitions.get()).isGreaterThan(keys.size());
		for (String key : keys) {
			LeaseRecord record = this.store.getLease(key);
			int count = completions.getOrDefault(key, new AtomicInteger()).get();
			assertThat(count).as("completions of %s", key).isLessThanOrEqualTo(1);
			if (count == 1) {
				assertThat(record).isNotNull();
				assertThat(record.state()).isEqualTo(LeaseState.COMPLETED);
			}
		}
	}

	/**
	 * Many threads on three hot keys acquire and cancel until a key's twentieth holder
	 * completes it: never two holders of a key, never a store error (a store whose
	 * database aborts conflicting statements retries them), each key completed exactly
	 * once and never acquired after.
	 */
	@Test
	void hotKeyRaceShouldHaveOneHolderAtATimeAndNoStoreError() throws Exception {
		int threads = 12;
		List<String> keys = List.of(key("hot-0"), key("hot-1"), key("hot-2"));
		Map<String, String> holders = new ConcurrentHashMap<>();
		Map<String, AtomicInteger> perKey = new ConcurrentHashMap<>();
		Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
		Set<String> completed = ConcurrentHashMap.newKeySet();
		ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(pool.submit(() -> {
					start.await();
					ThreadLocalRandom random = ThreadLocalRandom.current();
					for (int op = 0; op < 120; op++) {
						String key = keys.get(random.nextInt(keys.size()));
						String leaseId = UUID.randomUUID().toString();
						LeaseResult result = this.store.acquireLease(key, TTL, leaseId, null);
						if (result.outcome() != LeaseResult.Outcome.ACQUIRED) {
							continue;
						}
						String previous = holders.putIfAbsent(key, leaseId);
						if (previous != null) {
							violations.add("two holders of " + key + ": " + previous + " and " + leaseId);
							continue;
						}
						if (completed.contains(key)) {
							violations.add("completed key acquired again: " + key);
						}
						if (this.store.extendLease(key, leaseId, TTL) == null) {
							violations.add("live holder could not extend " + key);
						}
						holders.remove(key, leaseId);
						int held = perKey.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
						if (held == HOT_KEY_ACQUISITIONS) {
							if (this.store.completeLease(key, leaseId, "{}", null, RETENTION) == null) {
								violations.add("live holder could not complete " + key);
							}
							else {
								recordCompletion(key, completions, completed, violations);
							}
						}
						else if (!this.store.cancelLease(key, leaseId)) {
							violations.add("live holder could not cancel " + key);
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(violations).isEmpty();
		for (String key : keys) {
			assertThat(completions.get(key)).as("completions of %s", key).hasValue(1);
			assertThat(this.store.getLease(key).state()).isEqualTo(LeaseState.COMPLETED);
		}
	}

	private void finishStale(Holder stale, Map<String, AtomicInteger> completions, Set<String> completed,
			ConcurrentLinkedQueue<String> violations) {
		Instant doneAt = this.store.completeLease(stale.key, stale.leaseId, "{}", null, RETENTION);
		if (doneAt != null) {
			recordCompletion(stale.key, completions, completed, violations);
		}
		assertThat(this.store.extendLease(stale.key, stale.leaseId, FUZZ_TTL)).isNull();
	}

	private static void recordCompletion(String key, Map<String, AtomicInteger> completions, Set<String> completed,
			ConcurrentLinkedQueue<String> violations) {
		if (completions.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet() > 1) {
			violations.add("completed twice: " + key);
		}
		completed.add(key);
	}

	@Test
	void storeClockMinutesAheadOfTheJvmShouldDecideExpiry() {
		advanceTime(Duration.ofMinutes(10));
		Instant jvmNow = Instant.now();
		String id = UUID.randomUUID().toString();
		LeaseResult lease = this.store.acquireLease(key("skew"), TTL, id, null);
		assertThat(lease.record().now()).isAfter(jvmNow.plus(Duration.ofMinutes(9)));
		assertThat(lease.record().expiresAt()).isEqualTo(lease.record().now().plus(TTL));
		LockResult lock = this.store.tryLock(key("skew-lock"), TTL, null);
		assertThat(lock.record().expiresAt()).isAfter(jvmNow.plus(Duration.ofMinutes(9)));
		advanceTime(TTL.plusSeconds(1));
		assertThat(this.store.acquireLease(key("skew"), TTL, UUID.randomUUID().toString(), null).outcome())
			.isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(this.store.tryLock(key("skew-lock"), TTL, null).acquired()).isTrue();
	}

	@Test
	void storeClockMinutesBehindTheJvmShouldKeepTheLeaseForItsFullTtl() {
		advanceTime(Duration.ofMinutes(-10));
		Instant jvmNow = Instant.now();
		String id = UUID.randomUUID().toString();
		LeaseResult lease = this.store.acquireLease(key("skew"), TTL, id, null);
		assertThat(lease.record().expiresAt()).isBefore(jvmNow);
		assertThat(this.store.acquireLease(key("skew"), TTL, UUID.randomUUID().toString(), null).outcome())
			.as("held although the JVM clock is past its expiry")
			.isEqualTo(LeaseResult.Outcome.HELD_BY_OTHER);
		assertThat(this.store.tryLock(key("skew-lock"), TTL, null).acquired()).isTrue();
		assertThat(this.store.tryLock(key("skew-lock"), TTL, null).acquired()).isFalse();
		assertThat(this.store.completeLease(key("skew"), id, "{}", null, RETENTION)).isBefore(jvmNow);
	}

	private record Holder(String key, String leaseId, int epoch) {
	}

}
