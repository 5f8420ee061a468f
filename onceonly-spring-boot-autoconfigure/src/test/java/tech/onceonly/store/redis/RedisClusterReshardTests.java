package tech.onceonly.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.MigrateArgs;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resharding under a running store: the slot of a live lease moves to another master
 * ({@code CLUSTER SETSLOT … IMPORTING/MIGRATING}, {@code MIGRATE} of every key, then
 * {@code SETSLOT … NODE}) while threads keep acquiring, completing and replaying keys of
 * that slot. Lettuce follows the {@code ASK} redirects during the move and the
 * {@code MOVED} ones after it, so no call fails, the live holder still completes, and
 * every completed key replays its result. The slot moves back afterwards.
 */
class RedisClusterReshardTests {

	private static final Duration TTL = Duration.ofMinutes(5);

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
	void slotOfALiveLeaseShouldMoveToAnotherMasterAndBackWhileTheStoreKeepsWorking() throws Exception {
		cluster.awaitStable(Set.of());
		RedisStore store = new RedisStore(connectionFactory, "onceonly-cluster-reshard:");
		String live = "live-" + UUID.randomUUID();
		int slot = TestRedisCluster.slot(store.leaseKey(live));
		List<String> keys = keysInSlot(store, slot, live, 300);
		String liveLease = UUID.randomUUID().toString();
		assertThat(store.acquireLease(live, TTL, liveLease, null).outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(store.tryLock(live, TTL, null).acquired()).isTrue();

		TestRedisCluster.Node source = cluster.masterOf(slot);
		TestRedisCluster.Node target = cluster.masters()
			.stream()
			.filter((node) -> !node.id().equals(source.id()))
			.findFirst()
			.orElseThrow();
		Workers workers = new Workers(store, keys);
		try {
			workers.awaitProgress(50);
			moveSlot(slot, source, target, workers);
			assertThat(cluster.masterOf(slot).id()).isEqualTo(target.id());
			assertThat(store.extendLease(live, liveLease, TTL)).as("the live lease moved with its slot").isNotNull();
			moveSlot(slot, target, source, workers);
			workers.awaitProgress(50);
		}
		finally {
			workers.stop();
		}
		assertThat(cluster.masterOf(slot).id()).isEqualTo(source.id());
		assertThat(workers.errors).as("calls that failed while the slot moved").isEmpty();
		assertThat(store.completeLease(live, liveLease, "{\"live\":true}", null, TTL)).isNotNull();
		assertThat(store.tryLock(live, TTL, null).acquired()).as("the lock moved with its slot").isFalse();
		assertThat(workers.completed).as("keys completed during the moves").isNotEmpty();
		workers.completed.forEach((key, result) -> {
			LeaseRecord record = store.getLease(key);
			assertThat(record).as(key).isNotNull();
			assertThat(record.state()).isEqualTo(LeaseState.COMPLETED);
			assertThat(record.resultJson()).isEqualTo(result);
		});
		for (String key : keys) {
			store.deleteLease(key);
			store.releaseLock(key);
		}
		store.deleteLease(live);
		store.releaseLock(live);
	}

	/** Logical keys whose Redis keys fall in {@code slot}. */
	private static List<String> keysInSlot(RedisStore store, int slot, String base, int count) {
		List<String> keys = new ArrayList<>();
		for (int i = 0; keys.size() < count; i++) {
			String key = base + "-" + i;
			if (TestRedisCluster.slot(store.leaseKey(key)) == slot) {
				keys.add(key);
			}
		}
		return keys;
	}

	/**
	 * The steps of {@code redis-cli --cluster reshard} for one slot, with the workers
	 * running between them: while the slot is migrating a key that is no longer on the
	 * source is answered with {@code ASK}, afterwards every key with {@code MOVED}.
	 */
	private static void moveSlot(int slot, TestRedisCluster.Node from, TestRedisCluster.Node to, Workers workers)
			throws InterruptedException {
		RedisCommands<String, String> source = cluster.node(from.address());
		RedisCommands<String, String> target = cluster.node(to.address());
		target.clusterSetSlotImporting(slot, from.id());
		source.clusterSetSlotMigrating(slot, to.id());
		workers.awaitProgress(30);
		assertThat(target.clusterCountKeysInSlot(slot))
			.as("fresh keys created on the importing node through ASK before any MIGRATE")
			.isPositive();
		String[] hostPort = to.address().split(":");
		while (true) {
			List<String> keys = source.clusterGetKeysInSlot(slot, 10);
			if (keys.isEmpty()) {
				break;
			}
			source.migrate(hostPort[0], Integer.parseInt(hostPort[1]), 0, 5000, MigrateArgs.Builder.keys(keys));
			workers.awaitProgress(5);
		}
		workers.awaitProgress(30);
		target.clusterSetSlotNode(slot, to.id());
		source.clusterSetSlotNode(slot, to.id());
		for (TestRedisCluster.Node master : cluster.masters()) {
			if (!master.id().equals(from.id()) && !master.id().equals(to.id())) {
				cluster.node(master.address()).clusterSetSlotNode(slot, to.id());
			}
		}
		cluster.awaitStable(Set.of());
		workers.awaitProgress(30);
	}

	/**
	 * Threads that go through fresh keys of the slot (each met by two threads), acquire,
	 * complete or replay them and take their check-locks, until stopped, recording every
	 * failure.
	 */
	private static final class Workers {

		private final ExecutorService pool = Executors.newFixedThreadPool(4);

		private final AtomicBoolean stop = new AtomicBoolean();

		private final AtomicInteger progress = new AtomicInteger();

		private final Map<String, String> completed = new ConcurrentHashMap<>();

		private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

		private final List<Future<?>> futures = new ArrayList<>();

		Workers(RedisStore store, List<String> keys) {
			AtomicInteger next = new AtomicInteger();
			for (int t = 0; t < 4; t++) {
				this.futures.add(this.pool.submit(() -> {
					while (!this.stop.get()) {
						// each key twice in a row, so a fresh key is often met by two
						// threads at once
						String key = keys.get((next.getAndIncrement() / 2) % keys.size());
						try {
							work(store, key);
						}
						catch (RuntimeException ex) {
							this.errors.add(key + ": " + ex);
						}
						this.progress.incrementAndGet();
					}
				}));
			}
		}

		private void work(RedisStore store, String key) {
			String leaseId = UUID.randomUUID().toString();
			LeaseResult lease = store.acquireLease(key, TTL, leaseId, null);
			if (lease.outcome() == LeaseResult.Outcome.ACQUIRED) {
				String result = "{\"by\":\"" + leaseId + "\"}";
				if (store.completeLease(key, leaseId, result, null, TTL) == null) {
					this.errors.add(key + ": the holder could not complete");
				}
				else if (this.completed.putIfAbsent(key, result) != null) {
					this.errors.add(key + ": completed twice");
				}
			}
			else if (lease.outcome() == LeaseResult.Outcome.COMPLETED) {
				String expected = this.completed.get(key);
				if (expected != null && !expected.equals(lease.record().resultJson())) {
					this.errors.add(key + ": replayed " + lease.record().resultJson() + " instead of " + expected);
				}
			}
			store.tryLock(key, TTL, null);
		}

		void awaitProgress(int operations) throws InterruptedException {
			int until = this.progress.get() + operations;
			long deadline = System.nanoTime() + TestRedisCluster.SETTLE.toNanos();
			while (this.progress.get() < until) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("the workers stopped making progress: " + this.errors);
				}
				Thread.sleep(5);
			}
		}

		void stop() throws Exception {
			this.stop.set(true);
			this.pool.shutdown();
			assertThat(this.pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
			for (Future<?> future : this.futures) {
				future.get();
			}
		}

	}

}
