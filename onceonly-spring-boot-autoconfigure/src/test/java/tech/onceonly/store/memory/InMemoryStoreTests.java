package tech.onceonly.store.memory;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the in-memory store adds to the contract: its bound, its sweeping and its clock.
 */
class InMemoryStoreTests {

	private final MutableClock clock = MutableClock.startingAt2026();

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

}
