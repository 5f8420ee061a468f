package tech.onceonly.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.client.WaitOptions;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.ServiceControl;
import tech.onceonly.store.StoreException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A graceful manual failover ({@code CLUSTER FAILOVER} on a replica, which takes over
 * only once it has every write of its master) in the middle of a run of many threads
 * doing exactly-once work ({@code runFn}: lease, work, complete) and check-locks on many
 * keys through the local engine: no work runs twice, no completed result is lost (every
 * executed key replays its result afterwards, on the new layout and after failing back),
 * and no check-lock is granted twice. The test prints how long calls failed and the
 * slowest call during the failover (docs/stores.md records them).
 */
class RedisClusterFailoverTests {

	private static final Duration TTL = Duration.ofMinutes(2);

	private static final int THREADS = 8;

	private static LettuceConnectionFactory connectionFactory;

	private static TestRedisCluster cluster;

	@BeforeAll
	static void connect() {
		cluster = TestRedisCluster.open();
		connectionFactory = TestRedisCluster.connect();
	}

	@AfterAll
	static void disconnect() {
		if (connectionFactory != null) {
			connectionFactory.destroy();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void gracefulFailoverMidRunShouldLoseNoResultAndRunNoWorkTwice() throws Exception {
		cluster.awaitStable(Set.of());
		Set<String> originalMasters = cluster.masterAddresses();
		String prefix = "onceonly-cluster-failover:" + System.nanoTime() + ":";
		RedisStore store = new RedisStore(connectionFactory, prefix);
		OnceOnly client = LocalOnceOnly.builder(store).build();
		Run run = new Run(client);
		TestRedisCluster.Node failedOver;
		long failoverStarted;
		long failoverEnded;
		try {
			run.awaitOperations(600);
			failedOver = cluster.masters().get(ThreadLocalRandom.current().nextInt(3));
			TestRedisCluster.Node replica = cluster.replicaOf(failedOver);
			failoverStarted = System.nanoTime();
			cluster.failover(replica);
			failoverEnded = System.nanoTime();
			assertThat(cluster.masterAddresses()).contains(replica.address()).doesNotContain(failedOver.address());
			run.awaitOperations(1200);
		}
		finally {
			run.stop();
		}
		try {
			System.out.printf(
					"Redis Cluster failover of %s: %d ms until every node agreed; %d operations, %d failed "
							+ "(first to last failure: %d ms); slowest call %d ms; %d keys executed%n",
					failedOver.address(), TimeUnit.NANOSECONDS.toMillis(failoverEnded - failoverStarted),
					run.operations.get(), run.failures.size(), run.failureWindowMillis(),
					TimeUnit.NANOSECONDS.toMillis(run.slowestNanos.get()), run.executions.size());
			assertThat(run.executions).as("keys whose work ran").hasSizeGreaterThan(100);
			assertThat(run.executions).as("work that ran more than once")
				.allSatisfy((key, count) -> assertThat(count.get()).as(key).isEqualTo(1));
			assertThat(run.locksGranted).as("check-locks granted more than once")
				.allSatisfy((key, count) -> assertThat(count.get()).as(key).isEqualTo(1));
			assertThat(run.mismatches).as("callers that got another execution's result").isEmpty();
			assertEveryResultKept(store, client, run);
			cluster.restoreMasters(originalMasters);
			assertThat(cluster.masterAddresses()).isEqualTo(originalMasters);
			assertEveryResultKept(store, client, run);
		}
		finally {
			cluster.restoreMasters(originalMasters);
		}
	}

	/**
	 * An unplanned failover: a master is killed ({@code SIGKILL}) mid-run. Calls on its
	 * slots fail until its replica is elected (after {@code cluster-node-timeout}, 2 s in
	 * the test cluster) and Lettuce has refreshed its topology; then the store works
	 * again without any restart. What asynchronous replication lost (results the master
	 * acknowledged but had not yet sent to the replica) is counted and printed, not
	 * asserted: docs/stores.md explains it. The killed node is restarted through
	 * {@code .ci/services.sh} and rejoins as a replica; the original masters are
	 * restored.
	 */
	@Test
	void unplannedFailoverShouldStopFailingOnceTheReplicaTakesOver() throws Exception {
		cluster.awaitStable(Set.of());
		Set<String> originalMasters = cluster.masterAddresses();
		String prefix = "onceonly-cluster-kill:" + System.nanoTime() + ":";
		RedisStore store = new RedisStore(connectionFactory, prefix);
		OnceOnly client = LocalOnceOnly.builder(store).build();
		Run run = new Run(client);
		TestRedisCluster.Node killed = cluster.masters().get(ThreadLocalRandom.current().nextInt(3));
		TestRedisCluster.Node replica = cluster.replicaOf(killed);
		long killedAt;
		long promotedAt;
		int failuresBeforeRecovery;
		try {
			run.awaitOperations(600);
			long pid = Long.parseLong(cluster.node(killed.address())
				.info("server")
				.lines()
				.filter((line) -> line.startsWith("process_id:"))
				.findFirst()
				.orElseThrow()
				.substring("process_id:".length())
				.trim());
			killedAt = System.nanoTime();
			ProcessHandle.of(pid).orElseThrow().destroyForcibly();
			awaitMaster(replica);
			promotedAt = System.nanoTime();
			long recoveredAt = awaitAnswer(store, killed);
			// calls sent before the store answered again may still fail (their command
			// timeout)
			run.awaitEveryThreadStartedAfter(recoveredAt);
			failuresBeforeRecovery = run.failures.size();
			run.awaitOperations(600);
		}
		finally {
			run.stop();
		}
		try {
			long lost = run.executions.keySet().stream().filter((key) -> {
				LeaseRecord record = store.getLease(key);
				return record == null || record.state() != LeaseState.COMPLETED;
			}).count();
			long twice = run.executions.values().stream().filter((count) -> count.get() > 1).count();
			System.out.printf(
					"Redis Cluster master %s killed: replica %s master after %d ms; %d operations, %d failed "
							+ "(first to last failure: %d ms); slowest call %d ms; %d keys executed, %d without their "
							+ "result afterwards, %d executed twice%n",
					killed.address(), replica.address(), TimeUnit.NANOSECONDS.toMillis(promotedAt - killedAt),
					run.operations.get(), run.failures.size(), run.failureWindowMillis(),
					TimeUnit.NANOSECONDS.toMillis(run.slowestNanos.get()), run.executions.size(), lost, twice);
			assertThat(run.failures.size())
				.as("calls started after the store answered again on the lost master's slots that failed")
				.isEqualTo(failuresBeforeRecovery);
			assertThat(run.executions).as("keys whose work ran").hasSizeGreaterThan(100);
		}
		finally {
			ServiceControl.run("onceonly_redis_cluster_start");
			cluster.restoreMasters(originalMasters);
		}
	}

	/**
	 * Waits until the store answers a read of a key in a slot that {@code lost} served,
	 * and returns when it did.
	 */
	private static long awaitAnswer(RedisStore store, TestRedisCluster.Node lost) throws InterruptedException {
		String probe = null;
		for (int i = 0; probe == null; i++) {
			if (lost.serves(TestRedisCluster.slot(store.leaseKey("probe-" + i)))) {
				probe = "probe-" + i;
			}
		}
		long deadline = System.nanoTime() + TestRedisCluster.SETTLE.toNanos();
		while (true) {
			try {
				store.getLease(probe);
				return System.nanoTime();
			}
			catch (StoreException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(20);
			}
		}
	}

	/** Waits until every node that answers sees {@code node} as a master. */
	private static void awaitMaster(TestRedisCluster.Node node) throws InterruptedException {
		long deadline = System.nanoTime() + TestRedisCluster.SETTLE.toNanos();
		while (!cluster.topology(node.address())
			.stream()
			.anyMatch((other) -> other.id().equals(node.id()) && other.master() && !other.slots().isEmpty())) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						node.address() + " did not take over within " + TestRedisCluster.SETTLE);
			}
			Thread.sleep(20);
		}
	}

	private static void assertEveryResultKept(RedisStore store, OnceOnly client, Run run) {
		run.executions.keySet().forEach((key) -> {
			LeaseRecord record = store.getLease(key);
			assertThat(record).as(key).isNotNull();
			assertThat(record.state()).as(key).isEqualTo(LeaseState.COMPLETED);
			assertThat(record.resultJson()).as(key).contains(run.executedBy.get(key));
		});
		run.locksGranted.keySet()
			.forEach((key) -> assertThat(client.checkLock(key, TTL).duplicate()).as(key + " still locked").isTrue());
	}

	/**
	 * Threads that walk forward through fresh keys (recent keys again, so several threads
	 * meet on one key), each step a {@code runFn} on a lease key and a check-lock on a
	 * lock key, counting executions, grants and failures until stopped.
	 */
	private static final class Run {

		private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

		private final AtomicBoolean stop = new AtomicBoolean();

		private final AtomicInteger next = new AtomicInteger();

		private final AtomicInteger operations = new AtomicInteger();

		private final AtomicLong slowestNanos = new AtomicLong();

		private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

		private final Map<String, String> executedBy = new ConcurrentHashMap<>();

		private final Map<String, AtomicInteger> locksGranted = new ConcurrentHashMap<>();

		private final ConcurrentLinkedQueue<long[]> failures = new ConcurrentLinkedQueue<>();

		private final Map<Long, Long> lastStepStarted = new ConcurrentHashMap<>();

		private final ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();

		private final List<Future<?>> futures = new ArrayList<>();

		Run(OnceOnly client) {
			RunFnOptions options = RunFnOptions.defaults()
				.withTtl(TTL)
				.withWaitOnConflict(true,
						WaitOptions.defaults()
							.withTimeout(Duration.ofSeconds(20))
							.withPoll(Duration.ofMillis(10), Duration.ofMillis(50)));
			for (int t = 0; t < THREADS; t++) {
				this.futures.add(this.pool.submit(() -> {
					ThreadLocalRandom random = ThreadLocalRandom.current();
					while (!this.stop.get()) {
						int newest = this.next.getAndIncrement();
						int index = Math.max(0, newest - random.nextInt(THREADS * 2));
						step(client, options, index);
					}
				}));
			}
		}

		private void step(OnceOnly client, RunFnOptions options, int index) {
			String leaseKey = "lease-" + index;
			String lockKey = "lock-" + index;
			long started = System.nanoTime();
			try {
				String executor = Thread.currentThread().getName() + "/" + started;
				AiResult result = client.ai().runFn(leaseKey, () -> {
					this.executions.computeIfAbsent(leaseKey, (key) -> new AtomicInteger()).incrementAndGet();
					this.executedBy.putIfAbsent(leaseKey, executor);
					return Map.of("by", executor);
				}, options);
				if (result.isCompleted()) {
					Object by = (result.result() != null) ? result.result().get("by") : null;
					String expected = this.executedBy.get(leaseKey);
					if (by == null || !by.equals(expected)) {
						this.mismatches.add(leaseKey + ": got " + by + ", executed by " + expected);
					}
				}
				CheckLockResult lock = client.checkLock(lockKey, TTL);
				if (lock.locked()) {
					this.locksGranted.computeIfAbsent(lockKey, (key) -> new AtomicInteger()).incrementAndGet();
				}
			}
			catch (RuntimeException ex) {
				this.failures.add(new long[] { System.nanoTime() });
			}
			finally {
				long took = System.nanoTime() - started;
				this.slowestNanos.accumulateAndGet(took, Math::max);
				this.lastStepStarted.put(Thread.currentThread().getId(), started);
				this.operations.incrementAndGet();
			}
		}

		/**
		 * Waits until every thread has finished a step that it started after
		 * {@code nanos}.
		 */
		void awaitEveryThreadStartedAfter(long nanos) throws InterruptedException {
			long deadline = System.nanoTime() + TestRedisCluster.SETTLE.toNanos();
			while (this.lastStepStarted.size() < THREADS
					|| this.lastStepStarted.values().stream().anyMatch((started) -> started - nanos < 0)) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("a worker made no progress after the store answered again");
				}
				Thread.sleep(5);
			}
		}

		void awaitOperations(int count) throws InterruptedException {
			int until = this.operations.get() + count;
			long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
			while (this.operations.get() < until && System.nanoTime() < deadline) {
				Thread.sleep(5);
			}
			assertThat(this.operations.get()).as("operations done").isGreaterThanOrEqualTo(until);
		}

		long failureWindowMillis() {
			long first = Long.MAX_VALUE;
			long last = Long.MIN_VALUE;
			for (long[] failure : this.failures) {
				first = Math.min(first, failure[0]);
				last = Math.max(last, failure[0]);
			}
			return this.failures.isEmpty() ? 0 : TimeUnit.NANOSECONDS.toMillis(last - first);
		}

		void stop() throws Exception {
			this.stop.set(true);
			this.pool.shutdown();
			assertThat(this.pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
			for (Future<?> future : this.futures) {
				future.get();
			}
		}

	}

}
