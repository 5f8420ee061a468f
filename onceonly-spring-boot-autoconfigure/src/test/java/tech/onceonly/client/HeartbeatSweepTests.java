package tech.onceonly.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The heartbeats' one sweep per ticker, driven tick by tick with a controllable ticker
 * and a moved clock: when heartbeats are due, what a kept lease costs, and that one lease
 * never holds up the others.
 */
class HeartbeatSweepTests {

	private static final Duration TTL = Duration.ofMillis(600);

	/** Four ticks of the sweep. */
	private static final Duration PERIOD = Heartbeats.TICK.multipliedBy(4);

	private final ManualTicker ticker = new ManualTicker();

	private final AtomicLong nanos = new AtomicLong();

	private final ExecutorService pool = Executors.newCachedThreadPool();

	private final CountDownLatch unblock = new CountDownLatch(1);

	@AfterEach
	void stop() {
		this.unblock.countDown();
		this.pool.shutdownNow();
		this.ticker.shutdownNow();
	}

	private Heartbeats heartbeats(java.util.concurrent.Executor workers) {
		return new Heartbeats(this.ticker, new DirectService(workers), this.nanos::get);
	}

	private LeaseKeeper keep(Heartbeats heartbeats, String key, Runnable extend) {
		return heartbeats.keep("run_fn", key, TTL, PERIOD, heartbeats.nanoTime(), extend, LeaseEvents.LOGGING);
	}

	/** One tick: the clock moves by a tick and the pending sweep runs. */
	private void tick() {
		this.nanos.addAndGet(Heartbeats.TICK.toNanos());
		this.ticker.runPending();
	}

	private void ticks(int count) {
		for (int i = 0; i < count; i++) {
			tick();
		}
	}

	@Test
	void workThatEndsBeforeItsFirstHeartbeatShouldScheduleNothingOfItsOwn() {
		Heartbeats heartbeats = heartbeats(Runnable::run);
		AtomicInteger renewals = new AtomicInteger();
		for (int i = 0; i < 1000; i++) {
			keep(heartbeats, "k" + i, renewals::incrementAndGet).close();
		}
		// one sweep for a thousand leases, not a task each
		assertThat(this.ticker.scheduled).hasValue(1);
		assertThat(heartbeats.kept()).isZero();
		tick();
		// nothing left to keep: the sweep stops instead of ticking forever
		assertThat(this.ticker.pending()).isZero();
		assertThat(renewals).hasValue(0);
		keep(heartbeats, "again", renewals::incrementAndGet).close();
		assertThat(this.ticker.scheduled).hasValue(2);
	}

	@Test
	void heartbeatShouldBeDueAfterOnePeriodAndEveryPeriodAfter() {
		Heartbeats heartbeats = heartbeats(Runnable::run);
		AtomicInteger beats = new AtomicInteger();
		try (LeaseKeeper keeper = keep(heartbeats, "k", beats::incrementAndGet)) {
			ticks(4);
			assertThat(beats).as("not before its period").hasValue(0);
			tick();
			assertThat(beats).as("at most one tick after its period").hasValue(1);
			ticks(3);
			assertThat(beats).hasValue(1);
			tick();
			assertThat(beats).hasValue(2);
			ticks(40);
			assertThat(beats).hasValue(12);
			assertThat(keeper.held()).isTrue();
		}
	}

	@Test
	void closedKeeperShouldNeverBeRenewedAgain() {
		Heartbeats heartbeats = heartbeats(Runnable::run);
		AtomicInteger beats = new AtomicInteger();
		LeaseKeeper keeper = keep(heartbeats, "k", beats::incrementAndGet);
		ticks(5);
		assertThat(beats).hasValue(1);
		keeper.close();
		ticks(40);
		assertThat(beats).hasValue(1);
		assertThat(this.ticker.pending()).isZero();
	}

	@Test
	void heartbeatStartedBeforeTheWorkEndedShouldNotRenewAfterIt() {
		QueuedWorkers workers = new QueuedWorkers();
		Heartbeats heartbeats = heartbeats(workers);
		AtomicInteger beats = new AtomicInteger();
		LeaseKeeper keeper = keep(heartbeats, "k", beats::incrementAndGet);
		ticks(5);
		assertThat(workers.queued()).isEqualTo(1);
		keeper.close();
		workers.runAll();
		assertThat(beats).hasValue(0);
	}

	@Test
	void staleAnswerShouldReportTheLossOnceAndStopTheHeartbeats() {
		Heartbeats heartbeats = heartbeats(Runnable::run);
		AtomicInteger calls = new AtomicInteger();
		List<String> lost = new ArrayList<>();
		LeaseEvents events = new RecordingEvents(lost);
		try (LeaseKeeper keeper = heartbeats.keep("webhook", "gone", TTL, PERIOD, heartbeats.nanoTime(), () -> {
			calls.incrementAndGet();
			throw new StaleLeaseException("gone");
		}, events)) {
			ticks(30);
			assertThat(calls).hasValue(1);
			assertThat(lost).containsExactly("webhook gone");
			assertThat(keeper.lost()).isTrue();
			assertThat(keeper.held()).isFalse();
			assertThat(heartbeats.kept()).isZero();
		}
	}

	@Test
	void failingHeartbeatsShouldBeRetriedEachPeriodAndStopCountingAsHeldAfterTheTtl() {
		Heartbeats heartbeats = heartbeats(Runnable::run);
		AtomicInteger calls = new AtomicInteger();
		try (LeaseKeeper keeper = keep(heartbeats, "down", () -> {
			calls.incrementAndGet();
			throw new IllegalStateException("store down");
		})) {
			// the ttl is 12 ticks: two failed heartbeats later it is still within it
			ticks(11);
			assertThat(calls).hasValue(2);
			assertThat(keeper.held()).isTrue();
			tick();
			assertThat(keeper.held()).isFalse();
			assertThat(keeper.lost()).isFalse();
		}
	}

	@Test
	void workerPoolThatRefusesAHeartbeatShouldNotStopTheLeasesNextTurn() {
		AtomicInteger refusals = new AtomicInteger(1);
		Heartbeats heartbeats = heartbeats((command) -> {
			if (refusals.getAndDecrement() > 0) {
				throw new RejectedExecutionException("saturated");
			}
			command.run();
		});
		AtomicInteger beats = new AtomicInteger();
		try (LeaseKeeper keeper = keep(heartbeats, "k", beats::incrementAndGet)) {
			ticks(5);
			assertThat(beats).hasValue(0);
			ticks(4);
			assertThat(beats).hasValue(1);
		}
	}

	@Test
	void slowStoreCallForOneLeaseShouldNotDelayTheOthersPastTheirExpiry() throws Exception {
		Heartbeats heartbeats = heartbeats(this.pool);
		AtomicInteger stuckCalls = new AtomicInteger();
		CountDownLatch stuckEntered = new CountDownLatch(1);
		LeaseKeeper stuck = keep(heartbeats, "stuck", () -> {
			stuckCalls.incrementAndGet();
			stuckEntered.countDown();
			await(this.unblock);
		});
		List<LeaseKeeper> healthy = new ArrayList<>();
		List<AtomicInteger> beats = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			AtomicInteger count = new AtomicInteger();
			beats.add(count);
			healthy.add(keep(heartbeats, "healthy-" + i, count::incrementAndGet));
		}
		ticks(5);
		assertThat(stuckEntered.await(10, TimeUnit.SECONDS)).isTrue();
		for (int period = 1; period <= 6; period++) {
			awaitAll(beats, period);
			ticks(4);
		}
		awaitAll(beats, 7);
		// seven periods later (more than two ttls) every other lease is still held,
		// while the hung one skipped its turns instead of queueing calls and is no
		// longer counted as held
		assertThat(healthy).allSatisfy((keeper) -> assertThat(keeper.held()).isTrue());
		assertThat(stuckCalls).hasValue(1);
		assertThat(stuck.held()).isFalse();
		stuck.close();
		healthy.forEach(LeaseKeeper::close);
	}

	@Test
	void manyConcurrentKeepersShouldEachBeRenewedAndForgottenWhenClosed() throws Exception {
		Heartbeats heartbeats = heartbeats(Runnable::run);
		int threads = 16;
		int perThread = 250;
		AtomicInteger[] beats = new AtomicInteger[threads * perThread];
		ConcurrentLinkedQueue<LeaseKeeper> keepers = new ConcurrentLinkedQueue<>();
		ExecutorService callers = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> registered = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int base = t * perThread;
				registered.add(callers.submit(() -> {
					await(start);
					for (int i = 0; i < perThread; i++) {
						AtomicInteger count = new AtomicInteger();
						beats[base + i] = count;
						keepers.add(keep(heartbeats, "k" + (base + i), count::incrementAndGet));
					}
					return null;
				}));
			}
			start.countDown();
			// the sweep ticks while leases are being kept from many threads
			while (!registered.stream().allMatch(Future::isDone)) {
				this.ticker.runPending();
			}
			for (Future<?> future : registered) {
				future.get(10, TimeUnit.SECONDS);
			}
			assertThat(heartbeats.kept()).isEqualTo(threads * perThread);
			ticks(5);
			assertThat(beats).allSatisfy((count) -> assertThat(count.get()).isGreaterThanOrEqualTo(1));
			List<Future<?>> closed = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				closed.add(callers.submit(() -> {
					LeaseKeeper keeper;
					while ((keeper = keepers.poll()) != null) {
						keeper.close();
					}
					return null;
				}));
			}
			for (Future<?> future : closed) {
				future.get(10, TimeUnit.SECONDS);
			}
			int total = sum(beats);
			ticks(20);
			assertThat(sum(beats)).isEqualTo(total);
			assertThat(heartbeats.kept()).isZero();
			assertThat(this.ticker.pending()).isZero();
		}
		finally {
			callers.shutdownNow();
		}
	}

	private static int sum(AtomicInteger[] counts) {
		int total = 0;
		for (AtomicInteger count : counts) {
			total += count.get();
		}
		return total;
	}

	private static void awaitAll(List<AtomicInteger> counts, int atLeast) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		for (AtomicInteger count : counts) {
			while (count.get() < atLeast && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			assertThat(count.get()).isGreaterThanOrEqualTo(atLeast);
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A ticker whose delayed tasks run only when the test says so. */
	static final class ManualTicker extends ScheduledThreadPoolExecutor {

		final AtomicInteger scheduled = new AtomicInteger();

		private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

		ManualTicker() {
			super(1);
		}

		@Override
		public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
			this.scheduled.incrementAndGet();
			this.tasks.add(command);
			return null;
		}

		@Override
		public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
			throw new AssertionError("the heartbeats schedule no task per lease");
		}

		int pending() {
			return this.tasks.size();
		}

		void runPending() {
			List<Runnable> due = new ArrayList<>();
			Runnable task;
			while ((task = this.tasks.poll()) != null) {
				due.add(task);
			}
			due.forEach(Runnable::run);
		}

	}

	/** Workers that queue the heartbeat calls until the test runs them. */
	static final class QueuedWorkers implements java.util.concurrent.Executor {

		private final Deque<Runnable> queue = new ArrayDeque<>();

		@Override
		public synchronized void execute(Runnable command) {
			this.queue.add(command);
		}

		synchronized int queued() {
			return this.queue.size();
		}

		void runAll() {
			Runnable next;
			while ((next = poll()) != null) {
				next.run();
			}
		}

		private synchronized Runnable poll() {
			return this.queue.poll();
		}

	}

	/** An {@link ExecutorService} view of a plain executor (only execute is used). */
	static final class DirectService extends java.util.concurrent.AbstractExecutorService {

		private final java.util.concurrent.Executor executor;

		DirectService(java.util.concurrent.Executor executor) {
			this.executor = executor;
		}

		@Override
		public void execute(Runnable command) {
			this.executor.execute(command);
		}

		@Override
		public void shutdown() {
		}

		@Override
		public List<Runnable> shutdownNow() {
			return List.of();
		}

		@Override
		public boolean isShutdown() {
			return false;
		}

		@Override
		public boolean isTerminated() {
			return false;
		}

		@Override
		public boolean awaitTermination(long timeout, TimeUnit unit) {
			return true;
		}

	}

	private record RecordingEvents(List<String> lost) implements LeaseEvents {

		@Override
		public void leaseLost(String path, String key) {
			this.lost.add(path + " " + key);
		}

		@Override
		public void completionRetried(String path, String key, int attempt, Throwable failure) {
		}

		@Override
		public void outcomeUnknown(String path, String key, Throwable failure) {
		}

	}

}
