package tech.onceonly.contract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.AiRun;
import tech.onceonly.client.AiStatus;
import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.LeaseStatus;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.client.StaleLeaseException;
import tech.onceonly.client.ValidationException;
import tech.onceonly.client.WaitOptions;
import tech.onceonly.store.FaultyStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every OnceOnly backend must show, run once per backend by a short
 * subclass: check-lock, leases with fencing, expiry by the backend's clock, retention,
 * and the exactly-once {@code runFn} flow.
 * <p>
 * Subclasses give a client, a way to move the clock the backend judges expiry by (they
 * never sleep), and the {@link FaultyStore} around the backend's store, which
 * {@link AbstractFaultContractTests} scripts. Each test uses keys of its own, so
 * subclasses may share one store across tests.
 */
public abstract class AbstractOnceOnlyContractTests {

	/** Seven days and a second: past the default retention of results. */
	protected static final Duration PAST_RETENTION = Duration.ofDays(7).plusSeconds(1);

	protected OnceOnly client;

	/**
	 * Where the client under test reports lost leases and unknown outcomes: subclasses
	 * give it to the clients they create.
	 */
	protected final RecordedLeaseEvents leaseEvents = new RecordedLeaseEvents();

	private String prefix;

	/** A client of the backend under test. */
	protected abstract OnceOnly createClient();

	/** Moves the clock the backend judges expiry by. */
	protected abstract void advanceTime(Duration duration);

	/**
	 * The fault injector wrapped around the store of the backend under test (for the
	 * remote client: around the server's store), as made by the last
	 * {@link #createClient()}. Without rules it only passes calls through.
	 */
	protected abstract FaultyStore faults();

	/** Releases what {@link #createClient()} made; nothing by default. */
	protected void closeClient(OnceOnly client) throws Exception {
		if (client instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

	@BeforeEach
	void setUpClient() {
		this.client = createClient();
		this.prefix = "ct:" + UUID.randomUUID() + ":";
	}

	@AfterEach
	void tearDownClient() throws Exception {
		closeClient(this.client);
	}

	/** A key unique to this test. */
	protected String key(String name) {
		return this.prefix + name;
	}

	private static WaitOptions fastWait(Duration timeout) {
		return WaitOptions.defaults().withTimeout(timeout).withPoll(Duration.ofMillis(20), Duration.ofMillis(100));
	}

	private static RunFnOptions fastRunFn() {
		return RunFnOptions.defaults().withWaitOnConflict(true, fastWait(Duration.ofSeconds(20)));
	}

	// ---- check-lock

	@Test
	void checkLockFirstCallerShouldLock() {
		CheckLockResult result = this.client.checkLock(key("a"), Duration.ofSeconds(60));
		assertThat(result.locked()).isTrue();
		assertThat(result.duplicate()).isFalse();
		assertThat(result.shouldProceed()).isTrue();
		assertThat(result.key()).isEqualTo(key("a"));
		assertThat(result.ttl()).isEqualTo(60);
		assertThat(result.firstSeenAt()).isNull();
	}

	@Test
	void checkLockSecondCallerShouldBeDuplicateWithFirstSeenAt() {
		this.client.checkLock(key("a"), Duration.ofSeconds(60));
		CheckLockResult second = this.client.checkLock(key("a"), Duration.ofSeconds(60));
		assertThat(second.locked()).isFalse();
		assertThat(second.duplicate()).isTrue();
		assertThat(second.shouldProceed()).isFalse();
		assertThat(second.firstSeenAt()).isNotBlank();
	}

	@Test
	void checkLockShouldKeepDifferentKeysApart() {
		assertThat(this.client.checkLock(key("a"), Duration.ofSeconds(60)).locked()).isTrue();
		assertThat(this.client.checkLock(key("b"), Duration.ofSeconds(60)).locked()).isTrue();
	}

	@Test
	void checkLockJustBeforeExpiryShouldStillBeDuplicate() {
		this.client.checkLock(key("a"), Duration.ofSeconds(60));
		advanceTime(Duration.ofSeconds(59));
		assertThat(this.client.checkLock(key("a"), Duration.ofSeconds(60)).duplicate()).isTrue();
	}

	@Test
	void checkLockAfterTtlShouldLockAgain() {
		this.client.checkLock(key("a"), Duration.ofSeconds(60));
		advanceTime(Duration.ofSeconds(61));
		CheckLockResult again = this.client.checkLock(key("a"), Duration.ofSeconds(60));
		assertThat(again.locked()).isTrue();
		assertThat(again.duplicate()).isFalse();
	}

	@Test
	void checkLockWithMetadataShouldLock() {
		CheckLockResult result = this.client.checkLock(key("a"), Duration.ofSeconds(60),
				Map.of("order", "o-1", "amount", 100), null);
		assertThat(result.locked()).isTrue();
		assertThat(result.raw()).containsKey("metadata");
	}

	@Test
	void checkLockShouldAcceptMetadataOfExactly2048Bytes() {
		String filler = "x".repeat(2048 - "{\"f\":\"\"}".length());
		assertThat(this.client.checkLock(key("a"), Duration.ofSeconds(60), Map.of("f", filler), null).locked())
			.isTrue();
	}

	@Test
	void checkLockShouldRejectMetadataOver2048Bytes() {
		String filler = "x".repeat(2049 - "{\"f\":\"\"}".length());
		assertThatThrownBy(() -> this.client.checkLock(key("a"), Duration.ofSeconds(60), Map.of("f", filler), null))
			.isInstanceOf(ValidationException.class)
			.hasMessageContaining("2048");
	}

	@Test
	void checkLockShouldRejectEmptyKey() {
		assertThatThrownBy(() -> this.client.checkLock("", Duration.ofSeconds(60)))
			.isInstanceOf(ValidationException.class)
			.hasMessageContaining("key");
	}

	@Test
	void checkLockShouldRejectKeyLongerThan256Characters() {
		String longKey = "k".repeat(257);
		assertThatThrownBy(() -> this.client.checkLock(longKey, Duration.ofSeconds(60)))
			.isInstanceOf(ValidationException.class)
			.hasMessageContaining("256");
	}

	@Test
	void checkLockShouldAcceptKeyOf256Characters() {
		String longKey = (this.prefix + "k".repeat(256)).substring(0, 256);
		assertThat(this.client.checkLock(longKey, Duration.ofSeconds(60)).locked()).isTrue();
	}

	@Test
	void checkLockShouldRejectControlCharactersInKey() {
		assertThatThrownBy(() -> this.client.checkLock(key("a\nb"), Duration.ofSeconds(60)))
			.isInstanceOf(ValidationException.class)
			.hasMessageContaining("control character");
	}

	@Test
	void checkLockShouldRejectZeroTtl() {
		assertThatThrownBy(() -> this.client.checkLock(key("a"), Duration.ZERO)).isInstanceOf(ValidationException.class)
			.hasMessageContaining("ttl");
	}

	@Test
	void checkLockShouldRejectNegativeTtl() {
		assertThatThrownBy(() -> this.client.checkLock(key("a"), Duration.ofSeconds(-5)))
			.isInstanceOf(ValidationException.class)
			.hasMessageContaining("ttl");
	}

	@Test
	void checkLockFromManyThreadsShouldHaveExactlyOneWinnerPerKey() throws Exception {
		int threads = 16;
		int keys = 1000;
		ConcurrentHashMap<String, AtomicInteger> winners = new ConcurrentHashMap<>();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(pool.submit(() -> {
					start.await();
					for (int k = 0; k < keys; k++) {
						String name = key("many-" + k);
						if (this.client.checkLock(name, Duration.ofSeconds(300)).locked()) {
							winners.computeIfAbsent(name, (n) -> new AtomicInteger()).incrementAndGet();
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
		assertThat(winners).hasSize(keys);
		assertThat(winners.values()).allSatisfy((count) -> assertThat(count.get()).isEqualTo(1));
	}

	// ---- leases

	@Test
	void leaseFirstCallerShouldAcquireWithLeaseIdAndVersion() {
		AiRun lease = this.client.ai().lease(key("l"), Duration.ofSeconds(30), Map.of("agent", "demo"));
		assertThat(lease.status()).isEqualTo("acquired");
		assertThat(lease.acquired()).isTrue();
		assertThat(lease.leaseId()).isNotBlank();
		assertThat(lease.version()).isEqualTo(1);
		assertThat(lease.key()).isEqualTo(key("l"));
	}

	@Test
	void leaseWhileHeldShouldPollWithoutRevealingTheLeaseId() {
		this.client.ai().lease(key("l"), Duration.ofSeconds(30), null);
		AiRun second = this.client.ai().lease(key("l"), Duration.ofSeconds(30), null);
		assertThat(second.status()).isEqualTo("polling");
		assertThat(second.leaseId()).isNull();
		assertThat(second.retryAfterSec()).isNotNull().isPositive();
	}

	@Test
	void statusWhileHeldShouldBeInProgress() {
		this.client.ai().lease(key("l"), Duration.ofSeconds(30), null);
		AiStatus status = this.client.ai().status(key("l"));
		assertThat(status.status()).isEqualTo("in_progress");
		assertThat(status.ttlLeft()).isNotNull().isBetween(1L, 30L);
		assertThat(status.isTerminal()).isFalse();
	}

	@Test
	void completeShouldStoreTheResultForLaterCallers() {
		AiRun lease = this.client.ai().lease(key("l"), Duration.ofSeconds(30), null);
		this.client.ai().complete(key("l"), lease.leaseId(), Map.of("charge_id", "ch_1"), "h1");
		AiResult result = this.client.ai().result(key("l"));
		assertThat(result.status()).isEqualTo("completed");
		assertThat(result.result()).containsEntry("charge_id", "ch_1");
		assertThat(result.resultHash()).isEqualTo("h1");
		assertThat(result.doneAt()).isNotBlank();
		AiRun again = this.client.ai().lease(key("l"), Duration.ofSeconds(30), null);
		assertThat(again.status()).isEqualTo("completed");
		assertThat(again.leaseId()).isNull();
		assertThat(this.client.ai().status(key("l")).status()).isEqualTo("completed");
	}

	@Test
	void failShouldBeTerminalWithItsErrorCode() {
		AiRun lease = this.client.ai().lease(key("l"), Duration.ofSeconds(30), null);
		this.client.ai().fail(key("l"), lease.leaseId(), "card_declined", null);
		AiRun again = this.client.ai().lease(key("l"), Duration.ofSeconds(30), null);
		assertThat(again.status()).isEqualTo("failed");
		assertThat(again.errorCode()).isEqualTo("card_declined");
		AiResult result = this.client.ai().result(key("l"));
		assertThat(result.status()).isEqualTo("failed");
		assertThat(result.errorCode()).isEqualTo("card_declined");
	}

	@Test
	void cancelShouldReleaseTheLeaseForTheNextCaller() {
		AiRun first = this.client.ai().lease(key("l"), Duration.ofSeconds(30), null);
		this.client.ai().cancel(key("l"), first.leaseId(), "transient");
		AiRun second = this.client.ai().lease(key("l"), Duration.ofSeconds(30), null);
		assertThat(second.status()).isEqualTo("acquired");
		assertThat(second.leaseId()).isNotEqualTo(first.leaseId());
		assertThat(second.version()).isEqualTo(2);
	}

	@Test
	void extendShouldKeepTheLeaseAlivePastItsFirstTtl() {
		AiRun lease = this.client.ai().lease(key("l"), Duration.ofSeconds(10), null);
		advanceTime(Duration.ofSeconds(8));
		this.client.ai().extend(key("l"), lease.leaseId(), Duration.ofSeconds(10));
		advanceTime(Duration.ofSeconds(8));
		assertThat(this.client.ai().lease(key("l"), Duration.ofSeconds(10), null).status()).isEqualTo("polling");
	}

	@Test
	void leaseAfterExpiryShouldBeTakenOverWithANewVersion() {
		AiRun first = this.client.ai().lease(key("l"), Duration.ofSeconds(10), null);
		advanceTime(Duration.ofSeconds(11));
		assertThat(this.client.ai().status(key("l")).status()).isEqualTo("expired");
		AiRun second = this.client.ai().lease(key("l"), Duration.ofSeconds(10), null);
		assertThat(second.status()).isEqualTo("acquired");
		assertThat(second.version()).isEqualTo(first.version() + 1);
		assertThat(second.leaseId()).isNotEqualTo(first.leaseId());
	}

	@Test
	void completeWithStaleLeaseIdShouldBeRejectedAndChangeNothing() {
		AiRun first = this.client.ai().lease(key("l"), Duration.ofSeconds(10), null);
		advanceTime(Duration.ofSeconds(11));
		AiRun second = this.client.ai().lease(key("l"), Duration.ofSeconds(10), null);
		assertThatThrownBy(() -> this.client.ai().complete(key("l"), first.leaseId(), Map.of("by", "first"), null))
			.isInstanceOf(StaleLeaseException.class);
		assertThat(this.client.ai().status(key("l")).status()).isEqualTo("in_progress");
		this.client.ai().complete(key("l"), second.leaseId(), Map.of("by", "second"), null);
		assertThat(this.client.ai().result(key("l")).result()).containsEntry("by", "second");
	}

	@Test
	void failWithStaleLeaseIdShouldBeRejectedAndChangeNothing() {
		AiRun first = this.client.ai().lease(key("l"), Duration.ofSeconds(10), null);
		advanceTime(Duration.ofSeconds(11));
		this.client.ai().lease(key("l"), Duration.ofSeconds(10), null);
		assertThatThrownBy(() -> this.client.ai().fail(key("l"), first.leaseId(), "boom", null))
			.isInstanceOf(StaleLeaseException.class);
		assertThat(this.client.ai().status(key("l")).status()).isEqualTo("in_progress");
	}

	@Test
	void extendWithStaleLeaseIdShouldBeRejectedAndChangeNothing() {
		AiRun first = this.client.ai().lease(key("l"), Duration.ofSeconds(10), null);
		advanceTime(Duration.ofSeconds(11));
		this.client.ai().lease(key("l"), Duration.ofSeconds(10), null);
		long ttlLeftBefore = this.client.ai().status(key("l")).ttlLeft();
		assertThatThrownBy(() -> this.client.ai().extend(key("l"), first.leaseId(), Duration.ofSeconds(600)))
			.isInstanceOf(StaleLeaseException.class);
		assertThat(this.client.ai().status(key("l")).ttlLeft()).isLessThanOrEqualTo(ttlLeftBefore);
	}

	@Test
	void cancelWithStaleLeaseIdShouldBeRejectedAndChangeNothing() {
		AiRun first = this.client.ai().lease(key("l"), Duration.ofSeconds(10), null);
		advanceTime(Duration.ofSeconds(11));
		this.client.ai().lease(key("l"), Duration.ofSeconds(10), null);
		assertThatThrownBy(() -> this.client.ai().cancel(key("l"), first.leaseId(), null))
			.isInstanceOf(StaleLeaseException.class);
		assertThat(this.client.ai().lease(key("l"), Duration.ofSeconds(10), null).status()).isEqualTo("polling");
	}

	@Test
	void operationsWithAnInventedLeaseIdShouldBeRejected() {
		this.client.ai().lease(key("l"), Duration.ofSeconds(10), null);
		assertThatThrownBy(() -> this.client.ai().complete(key("l"), "not-a-lease", null, null))
			.isInstanceOf(StaleLeaseException.class);
		assertThat(this.client.ai().status(key("l")).status()).isEqualTo("in_progress");
	}

	@Test
	void completedResultShouldBeKeptForTheRetentionPeriodOnly() {
		AiRun lease = this.client.ai().lease(key("l"), Duration.ofSeconds(10), null);
		this.client.ai().complete(key("l"), lease.leaseId(), Map.of("n", 1), null);
		advanceTime(Duration.ofDays(6));
		assertThat(this.client.ai().result(key("l")).status()).isEqualTo("completed");
		advanceTime(Duration.ofDays(1).plusSeconds(1));
		assertThat(this.client.ai().status(key("l")).status()).isEqualTo("not_found");
		assertThat(this.client.ai().lease(key("l"), Duration.ofSeconds(10), null).status()).isEqualTo("acquired");
	}

	@Test
	void statusAndResultOfUnknownKeyShouldSayNotFound() {
		AiStatus status = this.client.ai().status(key("never"));
		assertThat(status.status()).isEqualTo("not_found");
		assertThat(status.ok()).isFalse();
		AiResult result = this.client.ai().result(key("never"));
		assertThat(result.ok()).isFalse();
		assertThat(result.result()).isNull();
	}

	@Test
	void leaseShouldRejectInvalidKeyAndTtl() {
		assertThatThrownBy(() -> this.client.ai().lease("", Duration.ofSeconds(10), null))
			.isInstanceOf(ValidationException.class);
		assertThatThrownBy(() -> this.client.ai().lease(key("l"), Duration.ZERO, null))
			.isInstanceOf(ValidationException.class);
	}

	// ---- wait and runFn

	@Test
	void waitForShouldReturnTheResultOnceTerminal() {
		AiRun lease = this.client.ai().lease(key("w"), Duration.ofSeconds(30), null);
		this.client.ai().complete(key("w"), lease.leaseId(), Map.of("ok", true), null);
		AiResult result = this.client.ai().waitFor(key("w"), fastWait(Duration.ofSeconds(5)));
		assertThat(result.status()).isEqualTo("completed");
		assertThat(result.result()).containsEntry("ok", true);
	}

	@Test
	void waitForShouldTimeOutWithASyntheticFailure() {
		this.client.ai().lease(key("w"), Duration.ofSeconds(30), null);
		AiResult result = this.client.ai().waitFor(key("w"), fastWait(Duration.ofMillis(150)));
		assertThat(result.status()).isEqualTo("failed");
		assertThat(result.errorCode()).isEqualTo("timeout");
		assertThat(result.ok()).isFalse();
	}

	@Test
	void runFnShouldRunTheFunctionAndReturnItsStoredResult() {
		AtomicInteger runs = new AtomicInteger();
		AiResult result = this.client.ai().runFn(key("f"), () -> {
			runs.incrementAndGet();
			return Map.of("charge_id", "ch_42");
		}, fastRunFn());
		assertThat(runs).hasValue(1);
		assertThat(result.status()).isEqualTo("completed");
		assertThat(result.result()).containsEntry("charge_id", "ch_42");
	}

	@Test
	void runFnDuplicatesShouldGetTheFirstResultWithoutRunning() {
		AtomicInteger runs = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			AiResult result = this.client.ai()
				.runFn(key("f"), () -> Map.of("run", runs.incrementAndGet()), fastRunFn());
			assertThat(result.result()).containsEntry("run", 1);
		}
		assertThat(runs).hasValue(1);
	}

	@Test
	void runFnShouldWrapValuesThatAreNotObjects() {
		AiResult result = this.client.ai().runFn(key("f"), () -> List.of(1, 2, 3), fastRunFn());
		assertThat(result.result()).containsEntry("value", List.of(1, 2, 3));
	}

	@Test
	void runFnFailureRecordedAsTerminalShouldNotRunAgain() {
		AtomicInteger runs = new AtomicInteger();
		RunFnOptions options = fastRunFn().withFailure("charge_failed", (ex) -> true);
		assertThatThrownBy(() -> this.client.ai().runFn(key("f"), () -> {
			runs.incrementAndGet();
			throw new IllegalStateException("declined");
		}, options)).isInstanceOf(IllegalStateException.class).hasMessage("declined");
		AiResult second = this.client.ai().runFn(key("f"), () -> runs.incrementAndGet(), options);
		assertThat(runs).hasValue(1);
		assertThat(second.status()).isEqualTo("failed");
		assertThat(second.errorCode()).isEqualTo("charge_failed");
	}

	@Test
	void runFnFailureNotRecordedShouldReleaseTheKeyForARetry() {
		AtomicInteger runs = new AtomicInteger();
		RunFnOptions options = fastRunFn().withFailure("fn_error", (ex) -> false);
		assertThatThrownBy(() -> this.client.ai().runFn(key("f"), () -> {
			runs.incrementAndGet();
			throw new IllegalStateException("timeout talking to the bank");
		}, options)).isInstanceOf(IllegalStateException.class);
		AiResult retry = this.client.ai().runFn(key("f"), () -> Map.of("run", runs.incrementAndGet()), options);
		assertThat(runs).hasValue(2);
		assertThat(retry.status()).isEqualTo("completed");
		assertThat(retry.result()).containsEntry("run", 2);
	}

	@Test
	void runFnWithoutWaitingShouldReportNotAcquiredWhileHeld() {
		this.client.ai().lease(key("f"), Duration.ofSeconds(30), null);
		AtomicInteger runs = new AtomicInteger();
		AiResult result = this.client.ai()
			.runFn(key("f"), runs::incrementAndGet,
					RunFnOptions.defaults().withWaitOnConflict(false, WaitOptions.defaults()));
		assertThat(runs).hasValue(0);
		assertThat(result.errorCode()).isEqualTo("not_acquired");
		assertThat(result.ok()).isFalse();
	}

	@Test
	void runFnFromManyThreadsShouldRunOnceAndGiveEveryoneTheSameResult() throws Exception {
		int threads = 16;
		AtomicInteger runs = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<AiResult>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(pool.submit(() -> {
					start.await();
					return this.client.ai().runFn(key("f"), () -> {
						int run = runs.incrementAndGet();
						pause(Duration.ofMillis(100));
						return Map.of("run", run, "payment", "p-1");
					}, fastRunFn());
				}));
			}
			start.countDown();
			Set<Map<String, Object>> results = new HashSet<>();
			for (Future<AiResult> future : futures) {
				AiResult result = future.get(60, TimeUnit.SECONDS);
				assertThat(result.status()).isEqualTo("completed");
				results.add(result.result());
			}
			assertThat(runs).hasValue(1);
			assertThat(results).containsExactly(Map.of("run", 1, "payment", "p-1"));
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void runFnShouldTakeOverWorkWhoseHolderStoppedHeartbeating() {
		this.client.ai().lease(key("f"), Duration.ofSeconds(10), null);
		advanceTime(Duration.ofSeconds(11));
		AiResult result = this.client.ai().runFn(key("f"), () -> Map.of("by", "second"), fastRunFn());
		assertThat(result.status()).isEqualTo("completed");
		assertThat(result.result()).containsEntry("by", "second");
	}

	@Test
	void runFnShouldSayWhetherThisCallRanTheWorkOrReplayedIt() {
		AiResult first = this.client.ai().runFn(key("r"), () -> Map.of("run", 1), fastRunFn());
		AiResult second = this.client.ai().runFn(key("r"), () -> Map.of("run", 2), fastRunFn());
		assertThat(first.replayed()).isFalse();
		assertThat(second.replayed()).isTrue();
		assertThat(second.status()).isEqualTo(first.status()).isEqualTo("completed");
		assertThat(second.result()).isEqualTo(first.result());
		assertThat(this.client.ai().result(key("r")).replayed()).as("a plain read is no replay").isFalse();
	}

	@Test
	void runFnFromManyThreadsShouldMarkEveryCallerButTheRunnerAsReplayed() throws Exception {
		int threads = 8;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<AiResult>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(pool.submit(() -> {
					start.await();
					return this.client.ai().runFn(key("rm"), () -> {
						pause(Duration.ofMillis(50));
						return Map.of("payment", "p-1");
					}, fastRunFn());
				}));
			}
			start.countDown();
			int fresh = 0;
			for (Future<AiResult> future : futures) {
				AiResult result = future.get(60, TimeUnit.SECONDS);
				assertThat(result.isCompleted()).isTrue();
				fresh += result.replayed() ? 0 : 1;
			}
			assertThat(fresh).isEqualTo(1);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void runFnResultShouldReadBackAsTheTypeTheWorkReturned() {
		Receipt receipt = new Receipt("ch_42", 1250);
		AiResult first = this.client.ai().runFn(key("t"), () -> receipt, fastRunFn());
		AiResult replay = this.client.ai().runFn(key("t"), () -> new Receipt("ch_other", 1), fastRunFn());
		assertThat(first.resultAs(Receipt.class)).isEqualTo(receipt);
		assertThat(replay.resultAs(Receipt.class)).isEqualTo(receipt);
		assertThat(replay.result()).containsEntry("chargeId", "ch_42").doesNotContainKey("charge_id");
		AiResult text = this.client.ai().runFn(key("t2"), () -> "ch_43", fastRunFn());
		assertThat(text.resultAs(String.class)).isEqualTo("ch_43");
	}

	@Test
	void waitTimeoutShouldBeTypedApartFromWorkThatFailedWithTheCodeTimeout() {
		this.client.ai().lease(key("wt"), Duration.ofSeconds(30), null);
		AiResult gaveUp = this.client.ai().waitFor(key("wt"), fastWait(Duration.ofMillis(100)));
		assertThat(gaveUp.isWaitTimeout()).isTrue();
		assertThat(gaveUp.synthetic()).isTrue();
		assertThatThrownBy(() -> gaveUp.resultAs(String.class)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("'failed'")
			.hasMessageContaining("timeout");
		AiRun lease = this.client.ai().lease(key("wf"), Duration.ofSeconds(30), null);
		this.client.ai().fail(key("wf"), lease.leaseId(), "timeout", null);
		AiResult stored = this.client.ai().waitFor(key("wf"), fastWait(Duration.ofSeconds(5)));
		assertThat(stored.errorCode()).isEqualTo("timeout");
		assertThat(stored.isFailed()).isTrue();
		assertThat(stored.isWaitTimeout()).isFalse();
		assertThat(stored.synthetic()).isFalse();
	}

	@Test
	void answersShouldCarryTypedStatuses() {
		AiRun lease = this.client.ai().lease(key("s"), Duration.ofSeconds(30), null);
		assertThat(lease.leaseStatus()).isEqualTo(LeaseStatus.ACQUIRED);
		assertThat(this.client.ai().lease(key("s"), Duration.ofSeconds(30), null).leaseStatus())
			.isEqualTo(LeaseStatus.POLLING);
		assertThat(this.client.ai().status(key("s")).leaseStatus()).isEqualTo(LeaseStatus.IN_PROGRESS);
		this.client.ai().cancel(key("s"), lease.leaseId(), null);
		assertThat(this.client.ai().status(key("s")).leaseStatus()).isEqualTo(LeaseStatus.RELEASED);
		assertThat(this.client.ai().status(key("none")).leaseStatus()).isEqualTo(LeaseStatus.NOT_FOUND);
		AiRun again = this.client.ai().lease(key("s"), Duration.ofSeconds(30), null);
		this.client.ai().complete(key("s"), again.leaseId(), Map.of("ok", true), null);
		assertThat(this.client.ai().lease(key("s"), Duration.ofSeconds(30), null).leaseStatus())
			.isEqualTo(LeaseStatus.COMPLETED);
		assertThat(this.client.ai().result(key("s")).leaseStatus()).isEqualTo(LeaseStatus.COMPLETED);
	}

	/** A result type with a camel-case property, as an application would return. */
	record Receipt(String chargeId, long cents) {
	}

	/**
	 * Keeps the function busy so that concurrent callers meet it in progress (this is not
	 * an expiry wait).
	 */
	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
