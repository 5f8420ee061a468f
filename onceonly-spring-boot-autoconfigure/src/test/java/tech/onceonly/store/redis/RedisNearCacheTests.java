package tech.onceonly.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.ClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis store's near cache of finished leases on a Redis of the test's own, counting
 * the commands Redis runs ({@code INFO commandstats}): a replay it answers sends nothing;
 * a copy stops being served by the store clock before its retention ends and after its
 * max age (both moved, never slept); a delete on another store evicts it; a dropped
 * subscription clears it; the bounds evict; many threads replaying while another store
 * deletes never see a finished answer again once they saw the key taken.
 */
class RedisNearCacheTests {

	private static final Duration TTL = Duration.ofSeconds(30);

	private static final Duration RETENTION = Duration.ofSeconds(10);

	private static PrivateRedis server;

	private static LettuceConnectionFactory factory;

	private static StringRedisTemplate redis;

	private final AtomicLong clock = new AtomicLong(System.nanoTime());

	private final List<RedisStore> stores = new ArrayList<>();

	private String prefix;

	@BeforeAll
	static void start() throws Exception {
		server = PrivateRedis.start();
		factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", server.port()),
				LettuceClientConfiguration.builder()
					.commandTimeout(Duration.ofSeconds(2))
					.clientOptions(ClientOptions.builder()
						.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
						.build())
					.build());
		factory.afterPropertiesSet();
		factory.start();
		redis = new StringRedisTemplate(factory);
	}

	@AfterAll
	static void stop() throws Exception {
		if (factory != null) {
			factory.destroy();
		}
		if (server != null) {
			server.close();
		}
	}

	@BeforeEach
	void newPrefix() {
		this.prefix = "near-" + UUID.randomUUID() + ":";
	}

	@AfterEach
	void closeStores() {
		this.stores.forEach(RedisStore::close);
	}

	private RedisStore store(RedisNearCacheSettings settings) {
		RedisStore store = new RedisStore(redis, this.prefix, settings, this.clock::get);
		this.stores.add(store);
		if (settings.enabled()) {
			RedisNearCaches.awaitLive(store);
		}
		// Redis knows the scripts, so no count below includes the EVAL that loads one
		store.tryLock("warm", TTL, null);
		store.acquireLease("warm", TTL, "warm", null);
		store.completeLease("warm", "warm", null, null, RETENTION);
		store.deleteLease("warm");
		return store;
	}

	private RedisStore store() {
		return store(RedisNearCacheSettings.DEFAULTS);
	}

	private static Instant complete(RedisStore store, String key, String result) {
		String id = UUID.randomUUID().toString();
		assertThat(store.acquireLease(key, TTL, id, "{\"m\":1}").outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		return store.completeLease(key, id, result, "h-" + key, RETENTION);
	}

	private static LeaseResult replay(RedisStore store, String key) {
		return store.acquireLease(key, TTL, UUID.randomUUID().toString(), null);
	}

	@Test
	void aReplayOfAKeyThisStoreFinishedShouldSendNoCommandAndAnswerWhatRedisHolds() {
		RedisStore store = store();
		Instant doneAt = complete(store, "k", "{\"ok\":true}");
		String failedId = UUID.randomUUID().toString();
		store.acquireLease("f", TTL, failedId, null);
		store.failLease("f", failedId, "card_declined", null, RETENTION);
		LeaseRecord inRedis = store(RedisNearCacheSettings.OFF).getLease("k");
		resetStats();
		LeaseResult replay = replay(store, "k");
		LeaseResult failed = replay(store, "f");
		LeaseRecord read = store.getLease("k");
		assertThat(commands()).isEmpty();
		assertThat(replay.outcome()).isEqualTo(LeaseResult.Outcome.COMPLETED);
		assertThat(failed.outcome()).isEqualTo(LeaseResult.Outcome.FAILED);
		assertThat(failed.record().errorCode()).isEqualTo("card_declined");
		assertThat(failed.record().resultJson()).isNull();
		LeaseRecord record = replay.record();
		assertThat(record).usingRecursiveComparison().ignoringFields("now").isEqualTo(inRedis);
		assertThat(read).usingRecursiveComparison().ignoringFields("now").isEqualTo(inRedis);
		assertThat(record.doneAt()).isEqualTo(doneAt);
		assertThat(record.state()).isEqualTo(LeaseState.COMPLETED);
		assertThat(record.metadataJson()).isEqualTo("{\"m\":1}");
		assertThat(record.now()).isAfterOrEqualTo(doneAt).isBefore(record.expiresAt());
		assertThat(store.nearCacheHits()).isEqualTo(3);
	}

	@Test
	void aKeyFinishedByAnotherStoreShouldBeReadOnceThenServedLocally() {
		RedisStore store = store();
		complete(store(RedisNearCacheSettings.OFF), "k", "{\"ok\":1}");
		resetStats();
		assertThat(replay(store, "k").outcome()).isEqualTo(LeaseResult.Outcome.COMPLETED);
		assertThat(commands()).containsKey("evalsha");
		resetStats();
		LeaseResult second = replay(store, "k");
		assertThat(second.record().resultJson()).isEqualTo("{\"ok\":1}");
		assertThat(commands()).isEmpty();
	}

	@Test
	void aCopyShouldStopBeingServedBeforeItsRetentionEndsByTheStoreClock() {
		RedisStore store = store();
		complete(store, "k", "{}");
		store.setTimeOffset(RETENTION.minusSeconds(2));
		resetStats();
		assertThat(replay(store, "k").outcome()).isEqualTo(LeaseResult.Outcome.COMPLETED);
		assertThat(commands()).isEmpty();
		// within the safety margin of the end: Redis decides
		store.setTimeOffset(RETENTION.minusMillis(RedisNearCache.SAFETY_MARGIN_MILLIS / 2));
		replay(store, "k");
		assertThat(commands()).isNotEmpty();
		// past the end: the key is taken again
		store.setTimeOffset(RETENTION.plusSeconds(1));
		assertThat(replay(store, "k").outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(store.getLease("k").state()).isEqualTo(LeaseState.HELD);
	}

	@Test
	void aCopyShouldBeServedNoLongerThanItsMaxAge() {
		RedisStore store = store(new RedisNearCacheSettings(true, Duration.ofSeconds(2), 100, 1_000_000));
		complete(store, "k", "{}");
		this.clock.addAndGet(Duration.ofMillis(1900).toNanos());
		resetStats();
		replay(store, "k");
		assertThat(commands()).isEmpty();
		this.clock.addAndGet(Duration.ofMillis(200).toNanos());
		replay(store, "k");
		assertThat(commands()).containsKeys("hmget", "time");
		// read again: served for another max age
		resetStats();
		replay(store, "k");
		assertThat(commands()).isEmpty();
	}

	@Test
	void aDeleteOnAnotherStoreShouldEvictTheCopy() {
		RedisStore store = store();
		RedisStore operator = store();
		complete(store, "k", "{}");
		assertThat(store.nearCache().size()).isEqualTo(2 - 1);
		assertThat(operator.deleteLease("k")).isTrue();
		RedisNearCaches.await("the delete to reach the other store", () -> store.nearCache().size() == 0);
		assertThat(replay(store, "k").outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
	}

	@Test
	void aDeleteOnThisStoreShouldEvictTheCopyAtOnce() {
		RedisStore store = store();
		complete(store, "k", "{}");
		assertThat(store.deleteLease("k")).isTrue();
		assertThat(store.nearCache().size()).isZero();
		assertThat(replay(store, "k").outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(store.deleteLease("absent")).isFalse();
	}

	@Test
	void aDroppedSubscriptionShouldClearTheCacheUntilItIsBack() throws Exception {
		RedisStore store = store();
		complete(store, "k", "{}");
		complete(store, "k2", "{}");
		RedisNearCache cache = store.nearCache();
		assertThat(cache.size()).isEqualTo(2);
		long epochBefore = cache.generation("k");
		killPubSubClients();
		RedisNearCaches.await("the cache to be cleared",
				() -> cache.size() == 0 && cache.generation("k") > epochBefore);
		// Lettuce reconnects and subscribes again: the cache serves again, refilled from
		// Redis
		RedisNearCaches.awaitLive(store);
		resetStats();
		assertThat(replay(store, "k").outcome()).isEqualTo(LeaseResult.Outcome.COMPLETED);
		assertThat(commands()).containsKeys("hmget", "time");
		resetStats();
		replay(store, "k");
		assertThat(commands()).isEmpty();
	}

	@Test
	void maxEntriesShouldEvictTheOldestCopy() {
		RedisStore store = store(new RedisNearCacheSettings(true, Duration.ofSeconds(2), 2, 1_000_000));
		complete(store, "k1", "{}");
		complete(store, "k2", "{}");
		complete(store, "k3", "{}");
		assertThat(store.nearCache().size()).isEqualTo(2);
		resetStats();
		replay(store, "k3");
		replay(store, "k2");
		assertThat(commands()).isEmpty();
		replay(store, "k1");
		assertThat(commands()).containsKey("hmget");
	}

	@Test
	void maxBytesShouldEvictAndKeepNothingBiggerThanTheBound() {
		String big = "{\"v\":\"" + "x".repeat(1000) + "\"}";
		RedisStore store = store(new RedisNearCacheSettings(true, Duration.ofSeconds(2), 100, 2600));
		complete(store, "k1", big);
		complete(store, "k2", big);
		assertThat(store.nearCache().size()).isEqualTo(2);
		complete(store, "k3", big);
		assertThat(store.nearCache().size()).isEqualTo(2);
		assertThat(store.nearCache().bytes()).isLessThanOrEqualTo(2600);
		resetStats();
		replay(store, "k1");
		assertThat(commands()).containsKey("hmget");
		complete(store, "huge", "\"" + "y".repeat(3000) + "\"");
		assertThat(store.nearCache().bytes()).isLessThanOrEqualTo(2600);
		resetStats();
		assertThat(replay(store, "huge").record().resultJson()).hasSize(3002);
		assertThat(commands()).containsKey("hmget");
	}

	@Test
	void threadsReplayingWhileAnotherStoreDeletesShouldNeverSeeTheKeyFinishedAfterSeeingItTaken() throws Exception {
		RedisStore store = store();
		RedisStore operator = store();
		complete(store, "k", "{}");
		int threads = 8;
		int after = 100;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch warmed = new CountDownLatch(threads);
		AtomicBoolean deleted = new AtomicBoolean();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		List<Future<List<LeaseResult.Outcome>>> results = new ArrayList<>();
		try {
			for (int t = 0; t < threads; t++) {
				results.add(pool.submit(() -> {
					// replays until the delete was heard (the key seen taken), then some
					// more
					List<LeaseResult.Outcome> seen = new ArrayList<>();
					int left = after;
					while (left > 0 && System.nanoTime() < deadline) {
						LeaseResult.Outcome outcome = replay(store, "k").outcome();
						seen.add(outcome);
						if (seen.size() == 20) {
							warmed.countDown();
						}
						if (deleted.get() && (outcome != LeaseResult.Outcome.COMPLETED || left < after)) {
							left--;
						}
					}
					return seen;
				}));
			}
			assertThat(warmed.await(30, TimeUnit.SECONDS)).isTrue();
			assertThat(operator.deleteLease("k")).isTrue();
			deleted.set(true);
			int acquired = 0;
			for (Future<List<LeaseResult.Outcome>> result : results) {
				List<LeaseResult.Outcome> seen = result.get(60, TimeUnit.SECONDS);
				acquired += (int) seen.stream().filter(LeaseResult.Outcome.ACQUIRED::equals).count();
				int taken = seen.indexOf(LeaseResult.Outcome.ACQUIRED);
				int held = seen.indexOf(LeaseResult.Outcome.HELD_BY_OTHER);
				int first = (taken < 0) ? held : (held < 0) ? taken : Math.min(taken, held);
				if (first >= 0) {
					assertThat(seen.subList(first, seen.size())).doesNotContain(LeaseResult.Outcome.COMPLETED);
				}
			}
			assertThat(acquired).isEqualTo(1);
			assertThat(store.getLease("k").state()).isEqualTo(LeaseState.HELD);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aStoreWithTheNearCacheOffShouldKeepNothing() {
		RedisStore store = store(RedisNearCacheSettings.OFF);
		assertThat(store.nearCache()).isNull();
		complete(store, "k", "{}");
		resetStats();
		replay(store, "k");
		assertThat(commands()).containsKeys("hmget", "time");
		assertThat(store.nearCacheHits()).isZero();
	}

	private static void killPubSubClients() throws Exception {
		Process kill = new ProcessBuilder("redis-cli", "-p", Integer.toString(server.port()), "CLIENT", "KILL", "TYPE",
				"pubsub")
			.redirectErrorStream(true)
			.start();
		assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()).isNotEqualTo("0");
	}

	private static void resetStats() {
		redis.execute((RedisConnection connection) -> {
			connection.serverCommands().resetConfigStats();
			return null;
		});
	}

	/** Calls per command since the last reset, without the INFO of this read. */
	private static Map<String, Long> commands() {
		Properties stats = redis
			.execute((RedisConnection connection) -> connection.serverCommands().info("commandstats"));
		Map<String, Long> calls = new LinkedHashMap<>();
		for (String name : stats.stringPropertyNames()) {
			String command = name.startsWith("cmdstat_") ? name.substring("cmdstat_".length()) : name;
			if (command.equals("info") || command.startsWith("config")) {
				continue;
			}
			String value = stats.getProperty(name);
			long count = Long.parseLong(value.substring(value.indexOf("calls=") + 6, value.indexOf(',')));
			if (count > 0) {
				calls.put(command, count);
			}
		}
		return calls;
	}

}
