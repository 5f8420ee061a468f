package tech.onceonly.store.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration;
import tech.onceonly.store.AbstractStoreConcurrencyTests;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The store contract and fuzz on the in-memory store (its clock a monotonic clock the
 * suite shifts), plus what it adds: its bound, its sweeping and its clock.
 */
class InMemoryStoreTests extends AbstractStoreConcurrencyTests {

	private final MutableClock clock = MutableClock.startingAt2026();

	private final ShiftedClock suiteClock = new ShiftedClock(new MonotonicClock());

	@Override
	protected OnceOnlyStore createStore() {
		return new InMemoryStore(this.suiteClock);
	}

	@Override
	protected void setTimeOffset(OnceOnlyStore store, Duration offset) {
		this.suiteClock.shift = offset;
	}

	@Test
	void wallClockStepForwardShouldNotExpireALiveLease() {
		MutableClock wall = MutableClock.startingAt2026();
		AtomicLong nanos = new AtomicLong(7_000_000_000L);
		InMemoryStore store = new InMemoryStore(new MonotonicClock(wall, nanos::get));
		Duration ttl = Duration.ofSeconds(10);
		assertThat(store.acquireLease("k", ttl, "holder", null).outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(store.tryLock("lock", ttl, null).acquired()).isTrue();
		nanos.addAndGet(Duration.ofSeconds(2).toNanos());
		wall.advance(Duration.ofHours(1));
		LeaseResult duplicate = store.acquireLease("k", ttl, "waiter", null);
		assertThat(duplicate.outcome()).as("the holder is still running").isEqualTo(LeaseResult.Outcome.HELD_BY_OTHER);
		assertThat(duplicate.record().now()).isEqualTo(Instant.parse("2026-03-01T10:15:32Z"));
		assertThat(store.tryLock("lock", ttl, null).acquired()).isFalse();
		assertThat(store.extendLease("k", "holder", ttl)).isNotNull();
		nanos.addAndGet(ttl.plusMillis(1).toNanos());
		assertThat(store.acquireLease("k", ttl, "waiter", null).outcome()).as("expired after its ttl of elapsed time")
			.isEqualTo(LeaseResult.Outcome.ACQUIRED);
	}

	@Test
	void wallClockStepBackwardShouldNotKeepAnExpiredLease() {
		MutableClock wall = MutableClock.startingAt2026();
		AtomicLong nanos = new AtomicLong(-5_000L);
		InMemoryStore store = new InMemoryStore(new MonotonicClock(wall, nanos::get));
		Duration ttl = Duration.ofSeconds(10);
		Instant acquiredAt = store.acquireLease("k", ttl, "holder", null).record().now();
		store.tryLock("lock", ttl, null);
		wall.advance(Duration.ofHours(-1));
		nanos.addAndGet(ttl.plusMillis(1).toNanos());
		LeaseResult next = store.acquireLease("k", ttl, "next", null);
		assertThat(next.outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(next.record().now()).isEqualTo(acquiredAt.plus(ttl).plusMillis(1));
		assertThat(store.tryLock("lock", ttl, null).acquired()).isTrue();
	}

	@Test
	void defaultStoreShouldJudgeExpiryByElapsedTimeNotTheWallClock() {
		assertThat(new InMemoryStore().clock()).isInstanceOf(MonotonicClock.class);
		InMemoryStore store = new InMemoryStore(10);
		assertThat(store.clock()).isInstanceOf(MonotonicClock.class);
		assertThat(store.now()).isCloseTo(Instant.now(), within(5, ChronoUnit.SECONDS));
	}

	@Test
	void autoConfiguredStoreShouldJudgeExpiryByElapsedTime() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(OnceOnlyAutoConfiguration.class))
			.run((context) -> assertThat(context.getBean(InMemoryStore.class).clock())
				.isInstanceOf(MonotonicClock.class));
	}

	@Test
	void monotonicClockShouldReportOriginPlusElapsedTimeInUtc() {
		MutableClock wall = MutableClock.startingAt2026();
		AtomicLong nanos = new AtomicLong(Long.MAX_VALUE - 1_000);
		MonotonicClock monotonic = new MonotonicClock(wall, nanos::get);
		nanos.addAndGet(1_500_000_000L);
		wall.advance(Duration.ofDays(3));
		assertThat(monotonic.instant()).isEqualTo(Instant.parse("2026-03-01T10:15:31.500Z"));
		assertThat(monotonic.millis()).isEqualTo(monotonic.instant().toEpochMilli());
		assertThat(monotonic.getZone()).isEqualTo(ZoneOffset.UTC);
	}

	@Test
	void storeAtItsBoundShouldRefuseNewKeysButKeepLiveOnes() {
		InMemoryStore store = new InMemoryStore(this.clock, 3);
		store.tryLock("a", Duration.ofMinutes(1), null);
		store.tryLock("b", Duration.ofMinutes(1), null);
		store.acquireLease("c", Duration.ofMinutes(1), "l1", null);
		assertThatThrownBy(() -> store.tryLock("d", Duration.ofMinutes(1), null)).isInstanceOf(StoreException.class)
			.hasMessageContaining("max-entries");
		assertThat(store.tryLock("a", Duration.ofMinutes(1), null).acquired()).isFalse();
		assertThat(store.getLease("c")).isNotNull();
	}

	@Test
	void storeAtItsBoundShouldMakeRoomBySweepingExpiredEntries() {
		InMemoryStore store = new InMemoryStore(this.clock, 2);
		store.tryLock("a", Duration.ofSeconds(10), null);
		store.tryLock("b", Duration.ofSeconds(10), null);
		this.clock.advance(Duration.ofSeconds(11));
		assertThat(store.tryLock("c", Duration.ofSeconds(10), null).acquired()).isTrue();
		assertThat(store.size()).isLessThanOrEqualTo(2);
	}

	@Test
	void sweepShouldRemoveExpiredLocksReleasedLeasesAndResultsPastRetention() {
		InMemoryStore store = new InMemoryStore(this.clock);
		store.tryLock("lock", Duration.ofSeconds(10), null);
		store.acquireLease("released", Duration.ofSeconds(10), "l1", null);
		store.cancelLease("released", "l1");
		store.acquireLease("done", Duration.ofSeconds(10), "l2", null);
		store.completeLease("done", "l2", "{}", null, Duration.ofHours(1));
		store.acquireLease("held", Duration.ofHours(2), "l3", null);
		this.clock.advance(Duration.ofMinutes(61));
		assertThat(store.sweep()).isEqualTo(3);
		assertThat(store.getLease("held")).isNotNull();
		assertThat(store.getLease("done")).isNull();
	}

	@Test
	void expiredHolderShouldStillFinishWhenNobodyTookOver() {
		InMemoryStore store = new InMemoryStore(this.clock);
		store.acquireLease("k", Duration.ofSeconds(10), "l1", null);
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(store.completeLease("k", "l1", "{\"late\":true}", null, Duration.ofHours(1))).isNotNull();
		assertThat(store.getLease("k").state()).isEqualTo(LeaseState.COMPLETED);
	}

	@Test
	void acquireAfterReleaseShouldKeepFirstSeenAndCountVersions() {
		InMemoryStore store = new InMemoryStore(this.clock);
		LeaseResult first = store.acquireLease("k", Duration.ofSeconds(10), "l1", "{\"a\":1}");
		store.cancelLease("k", "l1");
		this.clock.advance(Duration.ofSeconds(5));
		LeaseResult second = store.acquireLease("k", Duration.ofSeconds(10), "l2", null);
		assertThat(second.outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(second.record().version()).isEqualTo(2);
		assertThat(second.record().firstSeenAt()).isEqualTo(first.record().firstSeenAt());
		assertThat(second.record().now()).isEqualTo(this.clock.instant());
	}

	@Test
	void periodicSweepShouldWaitUntilSomethingExpiredAndThenRun() {
		InMemoryStore store = new InMemoryStore(this.clock);
		for (int i = 0; i < 10_000; i++) {
			store.tryLock("live-" + i, Duration.ofSeconds(10), null);
		}
		assertThat(store.size()).isEqualTo(10_000);
		this.clock.advance(Duration.ofSeconds(11));
		store.tryLock("next", Duration.ofSeconds(10), null);
		assertThat(store.size()).isEqualTo(1);
	}

	@Test
	void constructorShouldRejectANonPositiveBound() {
		assertThatThrownBy(() -> new InMemoryStore(this.clock, 0)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("maxEntries");
	}

	/** A clock the suite shifts, on top of a running base clock. */
	private static final class ShiftedClock extends Clock {

		private final Clock base;

		private volatile Duration shift = Duration.ZERO;

		ShiftedClock(Clock base) {
			this.base = base;
		}

		@Override
		public Instant instant() {
			return this.base.instant().plus(this.shift);
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

	}

}
