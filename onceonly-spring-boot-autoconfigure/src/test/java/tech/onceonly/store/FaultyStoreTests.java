package tech.onceonly.store;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import tech.onceonly.store.FaultyStore.Op;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The fault injector the fault contract suite relies on does what its rules say. */
class FaultyStoreTests {

	private final InMemoryStore store = new InMemoryStore(MutableClock.startingAt2026());

	private final FaultyStore faults = new FaultyStore(this.store);

	@Test
	void failBeforeShouldLeaveTheStoreUnchanged() {
		this.faults.on(Op.ACQUIRE_LEASE).forKey("k").failBefore();
		assertThatExceptionOfType(StoreException.class)
			.isThrownBy(() -> this.faults.acquireLease("k", Duration.ofSeconds(10), "id-1", null))
			.withMessageContaining("before");
		assertThat(this.store.getLease("k")).isNull();
	}

	@Test
	void failAfterShouldApplyTheCallAndLoseItsAnswer() {
		this.faults.on(Op.ACQUIRE_LEASE).forKey("k").failAfter();
		assertThatExceptionOfType(StoreException.class)
			.isThrownBy(() -> this.faults.acquireLease("k", Duration.ofSeconds(10), "id-1", null))
			.withMessageContaining("applied");
		assertThat(this.store.getLease("k").leaseId()).isEqualTo("id-1");
	}

	@Test
	void rulesShouldMatchTheirKeyAndCallNumbersOnly() {
		this.faults.acquireLease("a", Duration.ofSeconds(10), "id-a", null);
		FaultyStore.Rule rule = this.faults.on(Op.GET_LEASE).forKey("a").calls(2, 3).failBefore();
		assertThat(this.faults.getLease("a")).isNotNull();
		assertThatExceptionOfType(StoreException.class).isThrownBy(() -> this.faults.getLease("a"));
		assertThat(this.faults.getLease("b")).as("another key: call 3, no match").isNull();
		assertThat(this.faults.getLease("a")).as("call 4").isNotNull();
		assertThat(rule.applied()).isEqualTo(1);
		assertThat(this.faults.calls(Op.GET_LEASE, "a")).isEqualTo(3);
		assertThat(this.faults.count(Op.GET_LEASE)).isEqualTo(4);
	}

	@Test
	void timesShouldLimitARule() {
		this.faults.on(Op.TRY_LOCK).times(1).failBefore();
		assertThatExceptionOfType(StoreException.class)
			.isThrownBy(() -> this.faults.tryLock("k", Duration.ofSeconds(10), null));
		assertThat(this.faults.tryLock("k", Duration.ofSeconds(10), null).acquired()).isTrue();
	}

	@Test
	void stallShouldHoldTheCallUntilReleasedAndAwaitCallShouldSeeItEnd() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		this.faults.on(Op.TRY_LOCK).stallBefore(release);
		CompletableFuture<LockResult> stalled = CompletableFuture
			.supplyAsync(() -> this.faults.tryLock("k", Duration.ofSeconds(10), null));
		Thread.sleep(100);
		assertThat(stalled).isNotDone();
		assertThat(this.store.getLock("k")).isNull();
		release.countDown();
		assertThat(stalled.get(10, TimeUnit.SECONDS).acquired()).isTrue();
		FaultyStore.Call call = this.faults.awaitCall(Op.TRY_LOCK, "k", FaultyStore.Call::returned,
				Duration.ofSeconds(5));
		assertThat(call.answer()).isInstanceOf(LockResult.class);
	}

	@Test
	void resetShouldRemoveRulesAndForgetCalls() {
		this.faults.on(Op.GET_LEASE).failBefore();
		this.faults.reset();
		assertThat(this.faults.getLease("k")).isNull();
		this.faults.reset();
		assertThat(this.faults.count(Op.GET_LEASE)).isZero();
	}

}
