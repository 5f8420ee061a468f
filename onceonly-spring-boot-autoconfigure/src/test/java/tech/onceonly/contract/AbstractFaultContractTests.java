package tech.onceonly.contract;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.AiRun;
import tech.onceonly.client.ApiException;
import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.LeaseChange;
import tech.onceonly.client.OutcomeUnknownException;
import tech.onceonly.client.ResultNotSerializableException;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.client.StaleLeaseException;
import tech.onceonly.client.WaitOptions;
import tech.onceonly.store.FaultyStore;
import tech.onceonly.store.FaultyStore.Op;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The backend contract under store faults: every store operation can fail before it is
 * applied, be applied and then fail (its answer lost), or stall, through the
 * {@link FaultyStore} each backend wraps around its store (for the remote client, around
 * the server's store, so a fault reaches the client as a 5xx answer).
 * <p>
 * What these tests hold every backend to is DESIGN §3 "After the work may have run": side
 * effects are counted, and the assertions are "the work ran exactly once" and "what the
 * caller saw". The tests named {@code counterexample…} are the interleavings of issue 14
 * (items 1, 3 and 4) that re-ran work before the single runFn flow.
 */
public abstract class AbstractFaultContractTests extends AbstractOnceOnlyContractTests {

	/** Long enough for any wait of these tests; they end far earlier. */
	private static final Duration PATIENCE = Duration.ofSeconds(20);

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@BeforeEach
	void startWithoutFaults() {
		faults().reset();
	}

	@AfterEach
	void removeFaults() {
		faults().reset();
		this.threads.shutdownNow();
	}

	private static RunFnOptions runFn(Duration ttl) {
		return RunFnOptions.defaults()
			.withTtl(ttl)
			.withWaitOnConflict(true,
					WaitOptions.defaults()
						.withTimeout(PATIENCE)
						.withPoll(Duration.ofMillis(20), Duration.ofMillis(100)));
	}

	private <T> Future<T> inThread(Supplier<T> task) {
		return this.threads.submit(task::get);
	}

	private static <T> T join(Future<T> future) throws Exception {
		return future.get(PATIENCE.toSeconds() + 10, TimeUnit.SECONDS);
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("latch released in time").isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The store failed: a {@link StoreException} from a local engine, a 5xx answer
	 * through the remote client.
	 */
	private static void assertStoreError(Throwable thrown) {
		assertThat(thrown).as("the store's error reaches the caller").isNotNull();
		if (thrown instanceof ApiException api) {
			assertThat(thrown).isNotInstanceOf(StaleLeaseException.class);
			assertThat(api.getStatusCode()).as("status of %s", thrown).isNotNull().isGreaterThanOrEqualTo(500);
		}
		else {
			assertThat(thrown).isInstanceOf(StoreException.class);
		}
	}

	/** An acquire that found the key held by another lease (a waiting duplicate). */
	private boolean heldBySomeoneElse(FaultyStore.Call call) {
		return call.answer() instanceof LeaseResult result && result.outcome() == LeaseResult.Outcome.HELD_BY_OTHER;
	}

	/** The heartbeats of {@code name} that returned, all of which renewed the lease. */
	private void assertHeartbeatsRenewed(String name) {
		assertThat(faults().callsOf(Op.EXTEND_LEASE, key(name)).stream().filter(FaultyStore.Call::returned))
			.as("heartbeats")
			.isNotEmpty()
			.allSatisfy((call) -> assertThat(call.answer()).as("renewed: %s", call).isNotNull());
	}

	/** Work that counts its runs and returns {@code result}. */
	private static Supplier<Map<String, Object>> work(AtomicInteger runs, Map<String, Object> result) {
		return () -> {
			runs.incrementAndGet();
			return result;
		};
	}

	/** Work that counts its run, says it started and returns once released. */
	private static Supplier<Map<String, Object>> blockingWork(AtomicInteger runs, CountDownLatch started,
			CountDownLatch release, Map<String, Object> result) {
		return () -> {
			runs.incrementAndGet();
			started.countDown();
			await(release);
			return result;
		};
	}

	// ---- check-lock

	@Test
	void checkLockFailingBeforeApplyingShouldLockOnTheRetry() {
		faults().on(Op.TRY_LOCK).forKey(key("c")).times(1).failBefore();
		assertStoreError(catchThrowable(() -> this.client.checkLock(key("c"), Duration.ofSeconds(60))));
		CheckLockResult retry = this.client.checkLock(key("c"), Duration.ofSeconds(60));
		assertThat(retry.locked()).isTrue();
	}

	@Test
	void checkLockAppliedButAnswerLostShouldBeADuplicateOnTheRetryUntilTheTtl() {
		faults().on(Op.TRY_LOCK).forKey(key("c")).times(1).failAfter();
		assertStoreError(catchThrowable(() -> this.client.checkLock(key("c"), Duration.ofSeconds(60))));
		// the lock was taken although its caller saw an error: check-lock is at most
		// once per ttl, never "exactly once"
		assertThat(this.client.checkLock(key("c"), Duration.ofSeconds(60)).duplicate()).isTrue();
		advanceTime(Duration.ofSeconds(61));
		assertThat(this.client.checkLock(key("c"), Duration.ofSeconds(60)).locked()).isTrue();
	}

	// ---- leases, one store operation at a time

	@Test
	void leaseAcquireAppliedButAnswerLostShouldHoldTheKeyUntilItsTtl() {
		faults().on(Op.ACQUIRE_LEASE).forKey(key("l")).times(1).failAfter();
		assertStoreError(catchThrowable(() -> this.client.ai().lease(key("l"), Duration.ofSeconds(10), null)));
		assertThat(this.client.ai().lease(key("l"), Duration.ofSeconds(10), null).status()).isEqualTo("polling");
		advanceTime(Duration.ofSeconds(11));
		AiRun takeover = this.client.ai().lease(key("l"), Duration.ofSeconds(10), null);
		assertThat(takeover.status()).isEqualTo("acquired");
		assertThat(takeover.version()).isEqualTo(2);
	}

	@Test
	void leaseCompleteAppliedButAnswerLostShouldRefuseTheRetryAndKeepTheResult() {
		AiRun lease = this.client.ai().lease(key("l"), Duration.ofSeconds(10), null);
		faults().on(Op.COMPLETE_LEASE).forKey(key("l")).times(1).failAfter();
		assertStoreError(catchThrowable(
				() -> this.client.ai().complete(key("l"), lease.leaseId(), Map.of("charge", "ch_1"), null)));
		Throwable retry = catchThrowable(
				() -> this.client.ai().complete(key("l"), lease.leaseId(), Map.of("charge", "ch_2"), null));
		assertThat(retry).isInstanceOf(StaleLeaseException.class);
		AiResult stored = this.client.ai().result(key("l"));
		assertThat(stored.status()).isEqualTo("completed");
		assertThat(stored.result()).containsEntry("charge", "ch_1");
	}

	@Test
	void leaseCompleteStalledShouldKeepTheKeyHeldForOthers() throws Exception {
		AiRun lease = this.client.ai().lease(key("l"), Duration.ofSeconds(30), null);
		CountDownLatch release = new CountDownLatch(1);
		faults().on(Op.COMPLETE_LEASE).forKey(key("l")).times(1).stallBefore(release);
		Future<LeaseChange> completing = inThread(
				() -> this.client.ai().complete(key("l"), lease.leaseId(), Map.of("n", 1), null));
		try {
			assertThat(this.client.ai().lease(key("l"), Duration.ofSeconds(30), null).status()).isEqualTo("polling");
		}
		finally {
			release.countDown();
		}
		join(completing);
		assertThat(this.client.ai().result(key("l")).result()).containsEntry("n", 1);
	}

	// ---- runFn: before the work starts

	@Test
	void runFnAcquireFailingBeforeApplyingShouldGiveTheStoreErrorAndRunNothing() {
		AtomicInteger runs = new AtomicInteger();
		faults().on(Op.ACQUIRE_LEASE).forKey(key("f")).times(1).failBefore();
		assertStoreError(catchThrowable(
				() -> this.client.ai().runFn(key("f"), work(runs, Map.of("n", 1)), runFn(Duration.ofSeconds(10)))));
		assertThat(runs).hasValue(0);
		assertThat(this.client.ai().status(key("f")).status()).isEqualTo("not_found");
		AiResult retry = this.client.ai().runFn(key("f"), work(runs, Map.of("n", 1)), runFn(Duration.ofSeconds(10)));
		assertThat(retry.status()).isEqualTo("completed");
		assertThat(runs).hasValue(1);
	}

	@Test
	void runFnAcquireAppliedButAnswerLostShouldBeTakenOverOnceTheOrphanLeaseExpires() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		faults().on(Op.ACQUIRE_LEASE).forKey(key("f")).times(1).failAfter();
		assertStoreError(catchThrowable(
				() -> this.client.ai().runFn(key("f"), work(runs, Map.of("n", 1)), runFn(Duration.ofSeconds(10)))));
		assertThat(runs).hasValue(0);
		assertThat(this.client.ai().status(key("f")).status()).isEqualTo("in_progress");
		Future<AiResult> retry = inThread(
				() -> this.client.ai().runFn(key("f"), work(runs, Map.of("n", 1)), runFn(Duration.ofSeconds(10))));
		// the retry finds the orphan lease held and waits: nobody runs the work
		faults().awaitCall(Op.ACQUIRE_LEASE, key("f"), this::heldBySomeoneElse, PATIENCE);
		assertThat(runs).hasValue(0);
		assertThat(retry.isDone()).isFalse();
		advanceTime(Duration.ofSeconds(11));
		AiResult result = join(retry);
		assertThat(result.status()).isEqualTo("completed");
		assertThat(result.result()).containsEntry("n", 1);
		assertThat(runs).hasValue(1);
	}

	// ---- runFn: the work ran, recording its outcome fails

	@Test
	void runFnCompleteFailingBeforeApplyingShouldBeRetriedAndTheWorkRunOnce() {
		AtomicInteger runs = new AtomicInteger();
		faults().on(Op.COMPLETE_LEASE).forKey(key("f")).times(2).failBefore();
		AiResult result = this.client.ai()
			.runFn(key("f"), work(runs, Map.of("charge", "ch_1")), runFn(Duration.ofSeconds(10)));
		assertThat(result.status()).isEqualTo("completed");
		assertThat(result.result()).containsEntry("charge", "ch_1");
		assertThat(runs).hasValue(1);
		assertThat(faults().calls(Op.COMPLETE_LEASE, key("f"))).isEqualTo(3);
		assertThat(faults().calls(Op.CANCEL_LEASE, key("f"))).isZero();
		assertThat(faults().calls(Op.FAIL_LEASE, key("f"))).isZero();
		assertThat(this.client.ai().result(key("f")).result()).containsEntry("charge", "ch_1");
		assertThat(this.leaseEvents.kinds(key("f"))).containsExactly("completion_retried", "completion_retried");
	}

	@Test
	void runFnCompleteTimingOutShouldBeRetriedAndTheWorkRunOnce() {
		AtomicInteger runs = new AtomicInteger();
		faults().on(Op.COMPLETE_LEASE).forKey(key("f")).times(1).stallBefore(Duration.ofMillis(500)).failBefore();
		AiResult result = this.client.ai()
			.runFn(key("f"), work(runs, Map.of("charge", "ch_1")), runFn(Duration.ofSeconds(10)));
		assertThat(result.status()).isEqualTo("completed");
		assertThat(result.result()).containsEntry("charge", "ch_1");
		assertThat(runs).hasValue(1);
		assertThat(faults().calls(Op.CANCEL_LEASE, key("f"))).isZero();
		assertThat(this.leaseEvents.kinds(key("f"))).containsExactly("completion_retried");
	}

	@Test
	void runFnCompleteAppliedButAnswerLostShouldReturnTheStoredResult() {
		AtomicInteger runs = new AtomicInteger();
		faults().on(Op.COMPLETE_LEASE).forKey(key("f")).times(1).failAfter();
		AiResult result = this.client.ai()
			.runFn(key("f"), work(runs, Map.of("charge", "ch_1")), runFn(Duration.ofSeconds(10)));
		assertThat(result.status()).isEqualTo("completed");
		assertThat(result.result()).containsEntry("charge", "ch_1");
		assertThat(runs).hasValue(1);
		assertThat(faults().calls(Op.CANCEL_LEASE, key("f"))).isZero();
		// the refused retry is not a lost lease: the first attempt recorded the outcome
		assertThat(this.leaseEvents.kinds(key("f"))).containsExactly("completion_retried");
		AiResult again = this.client.ai()
			.runFn(key("f"), work(runs, Map.of("charge", "ch_2")), runFn(Duration.ofSeconds(10)));
		assertThat(again.result()).containsEntry("charge", "ch_1");
		assertThat(runs).hasValue(1);
	}

	/**
	 * Issue 14, item 1: the work ran, then {@code completeLease} failed; the key must not
	 * be released to the duplicate that waits for it, nor to a later retry.
	 */
	@Test
	void counterexampleCompleteFailingAfterTheWorkShouldNotRunItAgain() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		RunFnOptions options = runFn(Duration.ofSeconds(10));
		Future<AiResult> first = inThread(() -> this.client.ai()
			.runFn(key("f"), blockingWork(runs, started, release, Map.of("charge", "ch_1")), options));
		await(started);
		Future<AiResult> duplicate = inThread(
				() -> this.client.ai().runFn(key("f"), work(runs, Map.of("charge", "ch_2")), options));
		faults().awaitCall(Op.ACQUIRE_LEASE, key("f"), this::heldBySomeoneElse, PATIENCE);
		faults().on(Op.COMPLETE_LEASE).forKey(key("f")).times(3).failBefore();
		release.countDown();
		AiResult firstResult = join(first);
		AiResult duplicateResult = join(duplicate);
		AiResult later = this.client.ai().runFn(key("f"), work(runs, Map.of("charge", "ch_3")), options);
		assertThat(runs).as("side effects").hasValue(1);
		assertThat(firstResult.result()).containsEntry("charge", "ch_1");
		assertThat(duplicateResult.status()).isEqualTo("completed");
		assertThat(duplicateResult.result()).containsEntry("charge", "ch_1");
		assertThat(later.result()).containsEntry("charge", "ch_1");
		assertThat(faults().calls(Op.CANCEL_LEASE, key("f"))).isZero();
		assertThat(this.leaseEvents.kinds(key("f"))).containsExactly("completion_retried", "completion_retried",
				"completion_retried");
	}

	@Test
	void runFnCompleteFailingUntilTheLeaseIsLostShouldBeOutcomeUnknownAndNeverRelease() {
		AtomicInteger runs = new AtomicInteger();
		// the store is down for this key from the end of the work on: neither the
		// outcome nor a heartbeat reaches it before the (short) lease ends
		faults().on(Op.COMPLETE_LEASE).forKey(key("f")).failBefore();
		faults().on(Op.EXTEND_LEASE).forKey(key("f")).failBefore();
		Throwable thrown = catchThrowable(() -> this.client.ai()
			.runFn(key("f"), work(runs, Map.of("charge", "ch_1")), runFn(Duration.ofSeconds(1))));
		assertThat(thrown).isInstanceOf(OutcomeUnknownException.class);
		assertThat(((OutcomeUnknownException) thrown).detail()).containsEntry("error", "outcome_unknown");
		assertThat(runs).hasValue(1);
		assertThat(faults().calls(Op.COMPLETE_LEASE, key("f"))).isGreaterThanOrEqualTo(2);
		assertThat(faults().calls(Op.CANCEL_LEASE, key("f"))).as("never released").isZero();
		assertThat(faults().calls(Op.FAIL_LEASE, key("f"))).isZero();
		assertThat(this.leaseEvents.kinds(key("f"))).as("logged and counted")
			.containsOnlyOnce("outcome_unknown")
			.endsWith("outcome_unknown");
		faults().heal();
		assertThat(this.client.ai().status(key("f")).status()).isIn("in_progress", "expired");
	}

	@Test
	void runFnResultThatCannotBeSerialisedShouldBeRecordedAsFailedAndNotRunAgain() {
		AtomicInteger runs = new AtomicInteger();
		Supplier<Object> unserialisable = () -> {
			runs.incrementAndGet();
			return SelfReference.create();
		};
		Throwable thrown = catchThrowable(
				() -> this.client.ai().runFn(key("f"), unserialisable, runFn(Duration.ofSeconds(10))));
		assertThat(thrown).isInstanceOf(ResultNotSerializableException.class);
		AiResult stored = this.client.ai().result(key("f"));
		assertThat(stored.status()).isEqualTo("failed");
		assertThat(stored.errorCode()).isEqualTo("result_not_serializable");
		AiResult retry = this.client.ai().runFn(key("f"), unserialisable, runFn(Duration.ofSeconds(10)));
		assertThat(runs).as("side effects").hasValue(1);
		assertThat(retry.status()).isEqualTo("failed");
		assertThat(retry.errorCode()).isEqualTo("result_not_serializable");
	}

	/** A result with a back-reference, as a JPA entity may have: not serialisable. */
	public static final class SelfReference {

		private SelfReference self;

		static SelfReference create() {
			SelfReference value = new SelfReference();
			value.self = value;
			return value;
		}

		public SelfReference getSelf() {
			return this.self;
		}

	}

	// ---- runFn: the work threw, releasing its key fails

	@Test
	void runFnCancelFailingAfterTheWorkThrewShouldFreeTheKeyAfterTheTtl() {
		AtomicInteger runs = new AtomicInteger();
		RunFnOptions options = runFn(Duration.ofSeconds(10)).withFailure("fn_error", (ex) -> false);
		faults().on(Op.CANCEL_LEASE).forKey(key("f")).failBefore();
		Throwable thrown = catchThrowable(() -> this.client.ai().runFn(key("f"), () -> {
			runs.incrementAndGet();
			throw new IllegalStateException("the bank timed out");
		}, options));
		assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessage("the bank timed out");
		assertThat(this.client.ai().status(key("f")).status()).isEqualTo("in_progress");
		assertThat(this.client.ai()
			.runFn(key("f"), work(runs, Map.of("n", 2)), options.withWaitOnConflict(false, WaitOptions.defaults()))
			.errorCode()).isEqualTo("not_acquired");
		advanceTime(Duration.ofSeconds(11));
		AiResult retry = this.client.ai().runFn(key("f"), work(runs, Map.of("n", 2)), options);
		assertThat(retry.result()).containsEntry("n", 2);
		assertThat(runs).hasValue(2);
	}

	@Test
	void runFnFailFailingAfterTheWorkThrewShouldFreeTheKeyAfterTheTtl() {
		AtomicInteger runs = new AtomicInteger();
		RunFnOptions options = runFn(Duration.ofSeconds(10));
		faults().on(Op.FAIL_LEASE).forKey(key("f")).failBefore();
		Throwable thrown = catchThrowable(() -> this.client.ai().runFn(key("f"), () -> {
			runs.incrementAndGet();
			throw new IllegalStateException("declined");
		}, options));
		assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessage("declined");
		assertThat(this.client.ai().status(key("f")).status()).isEqualTo("in_progress");
		advanceTime(Duration.ofSeconds(11));
		AiResult retry = this.client.ai().runFn(key("f"), work(runs, Map.of("n", 2)), options);
		assertThat(retry.result()).containsEntry("n", 2);
		assertThat(runs).hasValue(2);
	}

	// ---- heartbeats and lost leases

	@Test
	void runFnWhoseHeartbeatFindsTheLeaseTakenShouldReturnTheOtherWorkersStoredResult() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Future<AiResult> late = inThread(() -> this.client.ai()
			.runFn(key("f"), blockingWork(runs, started, release, Map.of("by", "first")),
					runFn(Duration.ofSeconds(3))));
		AiRun other;
		try {
			await(started);
			takeOverFromAPausedHolder("f");
			other = this.client.ai().lease(key("f"), Duration.ofSeconds(30), null);
			assertThat(other.status()).isEqualTo("acquired");
			this.client.ai().complete(key("f"), other.leaseId(), Map.of("by", "second"), null);
			faults().heal();
			faults().awaitCall(Op.EXTEND_LEASE, key("f"), (call) -> call.returned() && call.answer() == null, PATIENCE);
			// the heartbeat that found the lease taken reports it while the work runs
			this.leaseEvents.await(key("f"), "lease_lost", PATIENCE);
		}
		finally {
			release.countDown();
		}
		AiResult result = join(late);
		assertThat(runs).hasValue(1);
		assertThat(result.status()).isEqualTo("completed");
		assertThat(result.result()).containsEntry("by", "second");
		assertThat(this.client.ai().result(key("f")).result()).containsEntry("by", "second");
		assertThat(faults().calls(Op.CANCEL_LEASE, key("f"))).isZero();
		assertThat(this.leaseEvents.kinds(key("f"))).containsOnlyOnce("lease_lost").doesNotContain("outcome_unknown");
	}

	@Test
	void runFnWhoseHeartbeatFindsTheLeaseTakenWhileTheOtherStillWorksShouldBeOutcomeUnknown() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Future<AiResult> late = inThread(() -> this.client.ai()
			.runFn(key("f"), blockingWork(runs, started, release, Map.of("by", "first")),
					runFn(Duration.ofSeconds(3))));
		AiRun other;
		try {
			await(started);
			takeOverFromAPausedHolder("f");
			other = this.client.ai().lease(key("f"), Duration.ofSeconds(30), null);
			assertThat(other.status()).isEqualTo("acquired");
			faults().heal();
			faults().awaitCall(Op.EXTEND_LEASE, key("f"), (call) -> call.returned() && call.answer() == null, PATIENCE);
			// the heartbeat that found the lease taken reports it while the work runs
			this.leaseEvents.await(key("f"), "lease_lost", PATIENCE);
		}
		finally {
			release.countDown();
		}
		Throwable thrown = catchThrowable(() -> join(late));
		assertThat(thrown).hasCauseInstanceOf(OutcomeUnknownException.class);
		assertThat(runs).hasValue(1);
		assertThat(this.leaseEvents.kinds(key("f"))).containsExactly("lease_lost", "outcome_unknown");
		assertThat(this.client.ai().status(key("f")).status()).as("the other worker still holds it")
			.isEqualTo("in_progress");
		this.client.ai().complete(key("f"), other.leaseId(), Map.of("by", "second"), null);
		assertThat(this.client.ai().result(key("f")).result()).containsEntry("by", "second");
	}

	/**
	 * Makes the holder of {@code name} look paused to the store: its heartbeats stop
	 * reaching the store, and the store's clock moves past its lease.
	 */
	private void takeOverFromAPausedHolder(String name) {
		faults().on(Op.EXTEND_LEASE).forKey(key(name)).failBefore();
		advanceTime(Duration.ofSeconds(4));
	}

	/**
	 * Issue 14, item 3: a heartbeat slower than the lease let a waiter take over running
	 * work. A configured period over half the ttl is refused, naming the options; the
	 * default is a third of the ttl, and it keeps a running lease renewed.
	 */
	@Test
	void counterexampleHeartbeatSlowerThanTheLeaseShouldBeRefused() throws Exception {
		assertThatIllegalArgumentException().isThrownBy(
				() -> RunFnOptions.defaults().withTtl(Duration.ofSeconds(20)).withExtendEvery(Duration.ofSeconds(30)))
			.withMessageContaining("runFn options")
			.withMessageContaining("extendEvery");
		assertThatIllegalArgumentException().isThrownBy(
				() -> RunFnOptions.defaults().withTtl(Duration.ofSeconds(20)).withExtendEvery(Duration.ofSeconds(11)));
		assertThatNoException().isThrownBy(
				() -> RunFnOptions.defaults().withTtl(Duration.ofSeconds(20)).withExtendEvery(Duration.ofSeconds(10)));
		assertThat(RunFnOptions.defaults().withTtl(Duration.ofSeconds(20)).heartbeatPeriod())
			.isEqualTo(Duration.ofSeconds(20).dividedBy(3));
		assertThat(RunFnOptions.defaults().heartbeatPeriod()).isEqualTo(Duration.ofSeconds(30));
		AtomicInteger runs = new AtomicInteger();
		AiResult result = this.client.ai().runFn(key("f"), () -> {
			runs.incrementAndGet();
			// the work outlives two default heartbeats of a 3 s lease
			faults().awaitCalls(Op.EXTEND_LEASE, key("f"), 2, PATIENCE);
			assertHeartbeatsRenewed("f");
			return Map.of("n", 1);
		}, runFn(Duration.ofSeconds(3)));
		assertThat(result.status()).isEqualTo("completed");
		assertThat(runs).hasValue(1);
	}

	/**
	 * Issue 14, item 4: work longer than its lease. While its holder heartbeats, a
	 * waiting duplicate never takes it over, however far the store's clock moves in steps
	 * shorter than the ttl between heartbeats.
	 */
	@Test
	void counterexampleWorkLongerThanTheLeaseShouldStayWithItsHeartbeatingHolder() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		RunFnOptions options = runFn(Duration.ofSeconds(3));
		Future<AiResult> holder = inThread(() -> this.client.ai()
			.runFn(key("f"), blockingWork(runs, started, release, Map.of("by", "holder")), options));
		Future<AiResult> waiter;
		try {
			await(started);
			waiter = inThread(() -> this.client.ai().runFn(key("f"), work(runs, Map.of("by", "waiter")), options));
			faults().awaitCall(Op.ACQUIRE_LEASE, key("f"), this::heldBySomeoneElse, PATIENCE);
			// steps of a third of the ttl (six of them: twice the ttl in all) leave the
			// heartbeat, sent every
			// ttl/3 of real time, two thirds of the ttl of slack on a loaded machine
			for (int step = 0; step < 6; step++) {
				advanceTime(Duration.ofSeconds(1));
				int before = faults().count(Op.EXTEND_LEASE);
				// the next heartbeat, sent after the clock moved
				faults().awaitCall(Op.EXTEND_LEASE, key("f"), (call) -> call.number() > before && call.returned(),
						PATIENCE);
				assertThat(runs).as("the waiter did not take over at step %d", step).hasValue(1);
			}
			assertThat(waiter.isDone()).isFalse();
			assertHeartbeatsRenewed("f");
		}
		finally {
			release.countDown();
		}
		assertThat(join(holder).result()).containsEntry("by", "holder");
		assertThat(join(waiter).result()).containsEntry("by", "holder");
		assertThat(runs).hasValue(1);
	}

}
