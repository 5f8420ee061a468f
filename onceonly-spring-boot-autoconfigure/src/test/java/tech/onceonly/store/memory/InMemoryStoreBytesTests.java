package tech.onceonly.store.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The in-memory store's bound on bytes (keys, metadata, stored results of live entries):
 * new keys are refused at the bound, finished keys still answer, completions are never
 * refused, and the bytes come back as entries expire or are removed.
 */
class InMemoryStoreBytesTests {

	private static final Duration TTL = Duration.ofSeconds(30);

	private static final Duration RETENTION = Duration.ofMinutes(5);

	private final MutableClock clock = MutableClock.startingAt2026();

	/**
	 * What a finished lease holds besides its strings: state, the kinds of its four
	 * strings, version and three times (34 bytes).
	 */
	private static final long FINISHED_FIXED_BYTES = 34;

	private static String result(int size) {
		return "{\"b\":\"" + "x".repeat(size - 8) + "\"}";
	}

	@Test
	void newKeysShouldBeRefusedOnceStoredResultsReachTheBound() {
		InMemoryStore store = new InMemoryStore(this.clock, 1_000, 10_000);
		int completed = 0;
		StoreException refused = null;
		for (int i = 0; i < 100 && refused == null; i++) {
			try {
				store.acquireLease("key-" + i, TTL, "id-" + i, null);
			}
			catch (StoreException ex) {
				refused = ex;
				break;
			}
			assertThat(store.completeLease("key-" + i, "id-" + i, result(1_000), null, RETENTION)).isNotNull();
			completed++;
		}
		assertThat(refused).isNotNull();
		assertThat(refused.getMessage()).contains("onceonly.store.memory.max-bytes").contains("10000");
		// each entry is about 1,041 bytes (key, times, result): ten fit, the eleventh key
		// is refused
		assertThat(completed).isEqualTo(10);
		assertThat(store.bytes()).isBetween(10_000L, 11_000L);
		// finished keys still answer with their results: nothing live was forgotten
		for (int i = 0; i < completed; i++) {
			LeaseResult replay = store.acquireLease("key-" + i, TTL, "again", null);
			assertThat(replay.outcome()).isEqualTo(LeaseResult.Outcome.COMPLETED);
			assertThat(replay.record().resultJson()).isEqualTo(result(1_000));
		}
	}

	@Test
	void aCompletionShouldNeverBeRefusedForSize() {
		InMemoryStore store = new InMemoryStore(this.clock, 1_000, 2_000);
		store.acquireLease("a", TTL, "a", null);
		store.acquireLease("b", TTL, "b", null);
		assertThat(store.completeLease("a", "a", result(1_500), null, RETENTION)).isNotNull();
		// past the bound now, but the work of b has run: its result is recorded
		assertThat(store.completeLease("b", "b", result(1_500), null, RETENTION)).isNotNull();
		assertThat(store.bytes()).isGreaterThan(2_000);
		assertThatExceptionOfType(StoreException.class).isThrownBy(() -> store.acquireLease("c", TTL, "c", null));
		assertThatExceptionOfType(StoreException.class).isThrownBy(() -> store.tryLock("c", TTL, null));
	}

	@Test
	void bytesShouldComeBackWhenEntriesExpireOrAreRemoved() {
		InMemoryStore store = new InMemoryStore(this.clock, 1_000, 5_000);
		for (int i = 0; i < 4; i++) {
			store.acquireLease("key-" + i, TTL, "id", null);
			store.completeLease("key-" + i, "id", result(1_300), null, RETENTION);
		}
		assertThatExceptionOfType(StoreException.class).isThrownBy(() -> store.acquireLease("new", TTL, "id", null));
		assertThat(store.deleteLease("key-0")).isTrue();
		assertThat(store.acquireLease("new", TTL, "id", null).outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		store.completeLease("new", "id", result(1_300), null, RETENTION);
		// retention over: the refused write sweeps first, and then fits
		this.clock.advance(RETENTION.plusSeconds(1));
		assertThat(store.acquireLease("after", TTL, "id", null).outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(store.bytes()).isEqualTo("after".length());
		assertThat(store.releaseLock("nothing")).isFalse();
		store.tryLock("lock", TTL, "{\"m\":1}");
		assertThat(store.bytes()).isEqualTo("after".length() + "lock".length() + "{\"m\":1}".length());
		store.releaseLock("lock");
		store.cancelLease("after", "id");
		this.clock.advance(Duration.ofSeconds(1));
		store.sweep();
		assertThat(store.bytes()).isZero();
		assertThat(store.size()).isZero();
	}

	@Test
	void textThatIsNotLatin1ShouldCountTwoBytesPerCharacter() {
		InMemoryStore store = new InMemoryStore(this.clock, 1_000, 1_000_000);
		store.acquireLease("k", TTL, "id", null);
		String latin1 = "{\"text\":\"caf\u00e9\"}";
		store.completeLease("k", "id", latin1, null, RETENTION);
		// one length byte for the result (shorter than 128 characters), none for the
		// absent hash, error code and metadata
		assertThat(store.bytes()).isEqualTo("k".length() + FINISHED_FIXED_BYTES + 1 + latin1.length());
		store.acquireLease("w", TTL, "id", null);
		String wide = "{\"text\":\"\u20ac 5\"}";
		store.completeLease("w", "id", wide, null, RETENTION);
		assertThat(store.bytes()).isEqualTo("k".length() + FINISHED_FIXED_BYTES + 1 + latin1.length() + "w".length()
				+ FINISHED_FIXED_BYTES + 1 + 2L * wide.length());
		// the result hash is held too, and counted: a lowercase hexadecimal one (a
		// SHA-256 fingerprint) as half as many bytes, any other one character by
		// character
		store.acquireLease("h", TTL, "id", null);
		long before = store.bytes();
		String hash = "0123456789abcdef".repeat(4);
		store.completeLease("h", "id", latin1, hash, RETENTION);
		assertThat(store.bytes() - before).isEqualTo(FINISHED_FIXED_BYTES + 1 + latin1.length() + 1 + 32);
		assertThat(store.acquireLease("h", TTL, "again", null).record().resultHash()).isEqualTo(hash);
		assertThat(store.deleteLease("h")).isTrue();
		before = store.bytes();
		store.acquireLease("u", TTL, "id", null);
		String upper = "0123456789ABCDEF".repeat(4);
		store.completeLease("u", "id", latin1, upper, RETENTION);
		assertThat(store.bytes() - before).isEqualTo(1 + FINISHED_FIXED_BYTES + 1 + latin1.length() + 1 + 64);
		assertThat(store.acquireLease("u", TTL, "again", null).record().resultHash()).isEqualTo(upper);
		assertThat(store.deleteLease("u")).isTrue();
		assertThat(store.deleteLease("w")).isTrue();
		assertThat(store.deleteLease("k")).isTrue();
		assertThat(store.bytes()).isZero();
	}

	@Test
	void concurrentWritesShouldAccountEveryByte() throws Exception {
		InMemoryStore store = new InMemoryStore(this.clock, 1_000_000, Long.MAX_VALUE);
		int threads = 8;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> work = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				work.add(pool.submit(() -> {
					for (int i = 0; i < 2_000; i++) {
						// keys shared between threads: races on acquire, complete and
						// delete
						String key = "k-" + (i % 300);
						String id = "t" + thread + "-" + i;
						LeaseResult lease = store.acquireLease(key, TTL, id, "{\"t\":" + thread + "}");
						if (lease.outcome() == LeaseResult.Outcome.ACQUIRED) {
							if (i % 3 == 0) {
								store.cancelLease(key, id);
							}
							else {
								store.completeLease(key, id, result(50 + (i % 7) * 10), null, RETENTION);
							}
						}
						else if (i % 11 == 0) {
							store.deleteLease(key);
						}
						store.tryLock("l-" + (i % 50), Duration.ofMillis(1), null);
					}
					return null;
				}));
			}
			for (Future<?> future : work) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(store.bytes()).isPositive();
		this.clock.advance(RETENTION.plusMinutes(20));
		store.sweep();
		assertThat(store.size()).isZero();
		assertThat(store.bytes()).isZero();
	}

	@Test
	void aBoundBelowOneByteShouldBeRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryStore(this.clock, 10, 0))
			.withMessageContaining("maxBytes must be at least 1");
	}

	@Test
	void thePropertyShouldBoundTheStore() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(OnceOnlyAutoConfiguration.class))
			.withPropertyValues("onceonly.store.memory.max-bytes=2KB")
			.run((context) -> {
				InMemoryStore store = (InMemoryStore) context.getBean(OnceOnlyStore.class);
				store.acquireLease("a", TTL, "a", null);
				store.completeLease("a", "a", result(2_100), null, RETENTION);
				assertThatExceptionOfType(StoreException.class)
					.isThrownBy(() -> store.acquireLease("b", TTL, "b", null))
					.withMessageContaining("2048");
			});
	}

}
