package tech.onceonly.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OutcomeUnknownException;
import tech.onceonly.client.ResultNotSerializableException;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.client.WaitOptions;
import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.StoreException;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The local engine's runFn flow on its failure paths: what happens after the work ran,
 * the heartbeat rules, the wait's bookkeeping and check-lock fail-open. The same
 * scenarios run on every backend in the fault contract suite; these pin the engine's own
 * parts (events, signals, settings).
 */
class RunFnFlowTests {

	private final MutableClock clock = MutableClock.startingAt2026();

	private final InMemoryStore memory = new InMemoryStore(this.clock);

	private final RecordedEvents events = new RecordedEvents();

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final Heartbeats heartbeats = new Heartbeats(null, null, System::nanoTime);

	@AfterEach
	void stop() {
		this.threads.shutdownNow();
		this.heartbeats.close();
	}

	private LocalOnceOnly engine(OnceOnlyStore store) {
		return LocalOnceOnly.builder(store).leaseHeartbeats(this.heartbeats).leaseEvents(this.events).build();
	}

	/**
	 * {@code store} whose operations named {@code operation} throw while {@code failing}
	 * says so.
	 */
	private static OnceOnlyStore failing(OnceOnlyStore store, String operation, Predicate<Integer> failing) {
		AtomicInteger calls = new AtomicInteger();
		return (OnceOnlyStore) Proxy.newProxyInstance(OnceOnlyStore.class.getClassLoader(),
				new Class<?>[] { OnceOnlyStore.class }, (proxy, method, args) -> {
					if (method.getName().equals(operation) && failing.test(calls.incrementAndGet())) {
						throw new StoreException("injected failure of " + operation);
					}
					try {
						return method.invoke(store, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

	private static RunFnOptions options(Duration ttl) {
		return RunFnOptions.defaults()
			.withTtl(ttl)
			.withWaitOnConflict(true,
					WaitOptions.defaults()
						.withTimeout(Duration.ofSeconds(20))
						.withPoll(Duration.ofMillis(10), Duration.ofMillis(50)));
	}

	@Test
	void completeFailingAfterTheWorkShouldBeRetriedAndAWaiterShouldNeverRunItAgain() throws Exception {
		CountDownLatch completing = new CountDownLatch(1);
		OnceOnlyStore store = failing(this.memory, "completeLease", (call) -> {
			completing.countDown();
			return call <= 3;
		});
		LocalOnceOnly engine = engine(store);
		AtomicInteger effects = new AtomicInteger();
		CountDownLatch running = new CountDownLatch(1);
		Future<AiResult> first = this.threads.submit(() -> engine.ai().runFn("charge", () -> {
			running.countDown();
			return Map.of("charge", effects.incrementAndGet());
		}, options(Duration.ofSeconds(30))));
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
		Future<AiResult> duplicate = this.threads.submit(() -> engine.ai().runFn("charge", () -> {
			return Map.of("charge", effects.incrementAndGet());
		}, options(Duration.ofSeconds(30))));
		assertThat(first.get(20, TimeUnit.SECONDS).result()).isEqualTo(Map.of("charge", 1));
		assertThat(duplicate.get(20, TimeUnit.SECONDS).result()).isEqualTo(Map.of("charge", 1));
		assertThat(effects).hasValue(1);
		assertThat(this.events.retries).hasValue(3);
		assertThat(this.events.unknown).isEmpty();
	}

	@Test
	void completeFailingUntilTheLeaseIsLostShouldRaiseOutcomeUnknownAndNeverRelease() {
		OnceOnlyStore store = failing(failing(this.memory, "completeLease", (call) -> true), "extendLease",
				(call) -> true);
		LocalOnceOnly engine = engine(store);
		AtomicInteger effects = new AtomicInteger();
		// a 1 s lease: no heartbeat succeeds, so the lease counts as lost after 1 s
		assertThatThrownBy(() -> engine.ai()
			.runFn("pay", () -> Map.of("n", effects.incrementAndGet()), options(Duration.ofSeconds(1))))
			.isInstanceOf(OutcomeUnknownException.class)
			.hasMessageContaining("'pay'")
			.hasRootCauseInstanceOf(StoreException.class);
		assertThat(effects).hasValue(1);
		LeaseRecord record = this.memory.getLease("pay");
		assertThat(record.state()).isEqualTo(LeaseState.HELD);
		assertThat(this.events.unknown).containsExactly("run_fn:pay");
	}

	@Test
	void aCompletionWhoseAnswerWasLostShouldBeFoundEvenWhenAHeartbeatSawTheKeyDoneFirst() {
		AtomicInteger completes = new AtomicInteger();
		OnceOnlyStore store = (OnceOnlyStore) Proxy.newProxyInstance(OnceOnlyStore.class.getClassLoader(),
				new Class<?>[] { OnceOnlyStore.class }, (proxy, method, args) -> {
					if (method.getName().equals("completeLease") && completes.incrementAndGet() > 1) {
						throw new StoreException("injected: the store went down");
					}
					Object answer;
					try {
						answer = method.invoke(this.memory, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
					if (method.getName().equals("completeLease")) {
						throw new StoreException("injected: the answer of an applied completion was lost");
					}
					return answer;
				});
		LocalOnceOnly engine = engine(store);
		AtomicInteger effects = new AtomicInteger();
		// a 1 s lease heartbeats every 333 ms: the heartbeat finds the key completed (not
		// held) while the later completions still fail
		AiResult result = engine.ai()
			.runFn("invoice", () -> Map.of("n", effects.incrementAndGet()), options(Duration.ofSeconds(1)));
		assertThat(result.isCompleted()).isTrue();
		assertThat(result.result()).isEqualTo(Map.of("n", 1));
		assertThat(effects).hasValue(1);
		assertThat(completes.get()).isGreaterThan(2);
		assertThat(this.events.unknown).isEmpty();
	}

	@Test
	void anUnserialisableResultShouldBeRecordedAsFailedAndNeverRunAgain() {
		LocalOnceOnly engine = engine(this.memory);
		AtomicInteger effects = new AtomicInteger();
		SelfReferencing value = new SelfReferencing();
		assertThatThrownBy(() -> engine.ai().runFn("report", () -> {
			effects.incrementAndGet();
			return value;
		}, options(Duration.ofSeconds(30)))).isInstanceOfSatisfying(ResultNotSerializableException.class,
				(ex) -> assertThat(ex.errorCode()).isEqualTo(ResultNotSerializableException.ERROR_CODE));
		AiResult retry = engine.ai().runFn("report", () -> effects.incrementAndGet(), options(Duration.ofSeconds(30)));
		assertThat(effects).hasValue(1);
		assertThat(retry.isFailed()).isTrue();
		assertThat(retry.errorCode()).isEqualTo(ResultNotSerializableException.ERROR_CODE);
	}

	@Test
	void aLeaseRemovedWhileTheWorkRunsShouldBeReportedAndTheOutcomeUnknown() throws Exception {
		LocalOnceOnly engine = engine(this.memory);
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		// a 1 s lease heartbeats every 333 ms
		Future<AiResult> work = this.threads.submit(() -> engine.ai().runFn("job", () -> {
			running.countDown();
			await(release);
			return Map.of("done", true);
		}, options(Duration.ofSeconds(1))));
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
		engine.deleteLease("job");
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (this.events.lost.isEmpty() && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		assertThat(this.events.lost).containsExactly("run_fn:job");
		release.countDown();
		assertThatThrownBy(() -> work.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(OutcomeUnknownException.class);
	}

	@Test
	void aLeaseTakenOverBeforeAnyHeartbeatShouldBeReportedLostAndAnswerWithTheStoredResult() {
		LocalOnceOnly engine = engine(this.memory);
		LocalOnceOnly other = engine(this.memory);
		AtomicInteger effects = new AtomicInteger();
		// a 30 s lease heartbeats after 10 s: the work below is over long before
		AiResult result = engine.ai().runFn("refund", () -> {
			effects.incrementAndGet();
			// the holder stalls past its lease (moved clock); another worker takes over
			this.clock.advance(Duration.ofSeconds(31));
			String leaseId = other.ai().lease("refund", Duration.ofSeconds(30), null).leaseId();
			other.ai().complete("refund", leaseId, Map.of("by", "other"), null);
			return Map.of("by", "late");
		}, options(Duration.ofSeconds(30)));
		assertThat(result.result()).isEqualTo(Map.of("by", "other"));
		assertThat(this.events.lost).containsExactly("run_fn:refund");
		assertThat(engine.ai().result("refund").result()).isEqualTo(Map.of("by", "other"));
	}

	@Test
	void aWaiterForAKeyFinishedInAnotherEngineShouldLeaveNoSignalBehind() throws Exception {
		LocalOnceOnly holder = engine(this.memory);
		LocalOnceOnly waiter = engine(this.memory);
		String leaseId = holder.ai().lease("shared", Duration.ofSeconds(30), null).leaseId();
		Future<AiResult> waiting = this.threads
			.submit(() -> waiter.ai().runFn("shared", () -> Map.of("mine", true), options(Duration.ofSeconds(30))));
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (waiter.waitedKeys() == 0 && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		assertThat(waiter.waitedKeys()).isEqualTo(1);
		holder.ai().complete("shared", leaseId, Map.of("theirs", true), null);
		assertThat(waiting.get(10, TimeUnit.SECONDS).result()).isEqualTo(Map.of("theirs", true));
		assertThat(waiter.waitedKeys()).isZero();
		assertThat(waiter.ai().waitFor("shared", WaitOptions.defaults()).isCompleted()).isTrue();
		assertThat(waiter.waitedKeys()).isZero();
	}

	@Test
	void extendEveryAboveHalfTheTtlShouldBeRefusedNamingTheSettings() {
		assertThatIllegalArgumentException().isThrownBy(
				() -> RunFnOptions.defaults().withExtendEvery(Duration.ofSeconds(30)).withTtl(Duration.ofSeconds(20)))
			.withMessageContaining("runFn options")
			.withMessageContaining("extendEvery (PT30S)")
			.withMessageContaining("half the lease ttl (PT20S)");
	}

	@Test
	void theDefaultHeartbeatShouldBeAThirdOfTheTtlAndAtMostThirtySeconds() {
		assertThat(RunFnOptions.defaults().withTtl(Duration.ofSeconds(20)).heartbeatPeriod())
			.isEqualTo(Duration.ofSeconds(20).dividedBy(3));
		assertThat(RunFnOptions.defaults().heartbeatPeriod()).isEqualTo(Duration.ofSeconds(30));
		assertThat(RunFnOptions.defaults()
			.withTtl(Duration.ofSeconds(20))
			.withExtendEvery(Duration.ofSeconds(10))
			.heartbeatPeriod()).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void checkLockShouldFailOpenOnAStoreOutageOnlyWhenAskedTo() {
		OnceOnlyStore down = failing(this.memory, "tryLock", (call) -> true);
		assertThatThrownBy(() -> engine(down).checkLock("mail", Duration.ofMinutes(1)))
			.isInstanceOf(StoreException.class);
		LocalOnceOnly open = LocalOnceOnly.builder(down).failOpen(true).build();
		CheckLockResult result = open.checkLock("mail", Duration.ofMinutes(1));
		assertThat(result.locked()).isTrue();
		assertThat(result.isFailOpen()).isTrue();
		assertThat(result.requestId()).isEqualTo("fail-open");
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(20, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A value Jackson cannot serialise: it refers to itself. */
	static final class SelfReferencing {

		public SelfReferencing getSelf() {
			return this;
		}

	}

	/** Lease events kept as {@code path:key}. */
	static final class RecordedEvents implements LeaseEvents {

		final List<String> lost = new CopyOnWriteArrayList<>();

		final List<String> unknown = new CopyOnWriteArrayList<>();

		final AtomicInteger retries = new AtomicInteger();

		@Override
		public void leaseLost(String path, String key) {
			this.lost.add(path + ":" + key);
		}

		@Override
		public void completionRetried(String path, String key, int attempt, Throwable failure) {
			this.retries.incrementAndGet();
		}

		@Override
		public void outcomeUnknown(String path, String key, Throwable failure) {
			this.unknown.add(path + ":" + key);
		}

	}

}
