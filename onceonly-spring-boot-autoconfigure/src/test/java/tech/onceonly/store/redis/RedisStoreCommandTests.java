package tech.onceonly.store.redis;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.lettuce.core.ClientOptions;
import org.junit.jupiter.api.AfterAll;
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
import tech.onceonly.store.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Which Redis commands each store call runs, counted by the server itself
 * ({@code INFO commandstats}) on a Redis of the test's own: a replay of a key the store
 * saw finished and every read are plain commands without a script; any other acquisition
 * is one script call that writes only when it takes the key; unreadable or mistyped
 * entries and a lost script cache fail or recover clearly.
 */
class RedisStoreCommandTests {

	private static final Duration TTL = Duration.ofSeconds(30);

	private static final Duration RETENTION = Duration.ofHours(1);

	private static PrivateRedis server;

	private static LettuceConnectionFactory factory;

	private static StringRedisTemplate redis;

	private RedisStore store;

	@BeforeAll
	static void start() throws Exception {
		server = PrivateRedis.start();
		factory = factory(server.port(), Duration.ofSeconds(2));
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

	private static LettuceConnectionFactory factory(int port, Duration timeout) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", port),
				LettuceClientConfiguration.builder()
					.commandTimeout(timeout)
					.clientOptions(ClientOptions.builder()
						.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
						.build())
					.build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	@BeforeEach
	void newStore() {
		this.store = new RedisStore(factory, "cmd-" + UUID.randomUUID() + ":", RedisNearCacheSettings.OFF);
		// Redis knows the scripts whatever test ran before (one flushes them), so the
		// counts below never include the EVAL that loads one
		this.store.tryLock("warm", TTL, null);
		this.store.acquireLease("warm", TTL, "warm", null);
		this.store.completeLease("warm", "warm", null, null, RETENTION);
		this.store.deleteLease("warm");
	}

	@Test
	void replayOfACompletedKeyShouldBeOneReadWithoutAScript() {
		String id = UUID.randomUUID().toString();
		this.store.acquireLease("k", TTL, id, "{\"m\":1}");
		this.store.completeLease("k", id, "{\"ok\":true}", "h1", RETENTION);
		resetStats();
		LeaseResult replay = this.store.acquireLease("k", TTL, UUID.randomUUID().toString(), null);
		assertThat(commands()).containsExactlyInAnyOrderEntriesOf(Map.of("hmget", 1L, "time", 1L));
		assertThat(replay.outcome()).isEqualTo(LeaseResult.Outcome.COMPLETED);
		LeaseRecord record = replay.record();
		assertThat(record.state()).isEqualTo(LeaseState.COMPLETED);
		assertThat(record.resultJson()).isEqualTo("{\"ok\":true}");
		assertThat(record.resultHash()).isEqualTo("h1");
		assertThat(record.metadataJson()).isEqualTo("{\"m\":1}");
		assertThat(record.version()).isEqualTo(1);
		assertThat(record.leaseId()).isNull();
		assertThat(record.doneAt()).isNotNull();
		assertThat(record.expiresAt()).isAfter(record.now());
	}

	@Test
	void aFailedKeyShouldBeAnsweredFromTheReadToo() {
		String id = UUID.randomUUID().toString();
		this.store.acquireLease("k", TTL, id, null);
		this.store.failLease("k", id, "card_declined", null, RETENTION);
		resetStats();
		LeaseResult replay = this.store.acquireLease("k", TTL, UUID.randomUUID().toString(), null);
		assertThat(commands()).containsOnlyKeys("hmget", "time");
		assertThat(replay.outcome()).isEqualTo(LeaseResult.Outcome.FAILED);
		assertThat(replay.record().errorCode()).isEqualTo("card_declined");
	}

	@Test
	void aLeaseHeldBySomeoneShouldBeAnsweredWithoutAWrite() {
		String holder = UUID.randomUUID().toString();
		LeaseResult first = this.store.acquireLease("k", TTL, holder, null);
		resetStats();
		LeaseResult second = this.store.acquireLease("k", TTL, UUID.randomUUID().toString(), null);
		assertThat(commands()).containsEntry("evalsha", 1L).doesNotContainKeys("hset", "del", "pexpire");
		assertThat(second.outcome()).isEqualTo(LeaseResult.Outcome.HELD_BY_OTHER);
		assertThat(second.record().leaseId()).isEqualTo(holder);
		assertThat(second.record().expiresAt()).isEqualTo(first.record().expiresAt());
		assertThat(second.record().isHeld()).isTrue();
	}

	@Test
	void aNewKeyShouldBeTakenByTheScriptInOneRoundTrip() {
		resetStats();
		LeaseResult lease = this.store.acquireLease("k", TTL, "id-1", "{\"a\":1}");
		// the script's own HMGET and TIME, no read before it, no DEL of an absent hash
		assertThat(commands()).containsExactlyInAnyOrderEntriesOf(
				Map.of("evalsha", 1L, "hmget", 1L, "time", 1L, "hset", 1L, "pexpire", 1L));
		assertThat(lease.outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		// what the script answers is what a read finds afterwards
		LeaseRecord read = this.store.getLease("k");
		assertThat(read).isNotNull();
		LeaseRecord answered = lease.record();
		assertThat(answered.state()).isEqualTo(read.state()).isEqualTo(LeaseState.HELD);
		assertThat(answered.leaseId()).isEqualTo(read.leaseId()).isEqualTo("id-1");
		assertThat(answered.version()).isEqualTo(read.version()).isEqualTo(1);
		assertThat(answered.firstSeenAt()).isEqualTo(read.firstSeenAt()).isEqualTo(answered.now());
		assertThat(answered.expiresAt()).isEqualTo(read.expiresAt()).isEqualTo(answered.now().plus(TTL));
		assertThat(answered.metadataJson()).isEqualTo(read.metadataJson()).isEqualTo("{\"a\":1}");
	}

	@Test
	void aKeyFinishedElsewhereShouldBeReadWithoutAScriptFromItsSecondReplayOn() {
		RedisStore other = new RedisStore(factory,
				this.store.leaseKey("x").substring(0, this.store.leaseKey("x").indexOf('{')),
				RedisNearCacheSettings.OFF);
		other.acquireLease("k", TTL, "elsewhere", null);
		other.completeLease("k", "elsewhere", "{\"ok\":1}", null, RETENTION);
		resetStats();
		LeaseResult first = this.store.acquireLease("k", TTL, "id", null);
		assertThat(first.outcome()).isEqualTo(LeaseResult.Outcome.COMPLETED);
		assertThat(commands()).containsEntry("evalsha", 1L).doesNotContainKeys("hset", "del", "pexpire");
		resetStats();
		LeaseResult second = this.store.acquireLease("k", TTL, "id", null);
		assertThat(second.outcome()).isEqualTo(LeaseResult.Outcome.COMPLETED);
		assertThat(second.record().resultJson()).isEqualTo("{\"ok\":1}");
		assertThat(commands()).containsExactlyInAnyOrderEntriesOf(Map.of("hmget", 1L, "time", 1L));
		// deleted (an operator action): the next acquisition takes the key through the
		// script
		this.store.deleteLease("k");
		resetStats();
		assertThat(this.store.acquireLease("k", TTL, "id", null).outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(commands()).containsEntry("evalsha", 1L).containsEntry("hmget", 1L);
	}

	@Test
	void anExpiredReleasedOrRetiredLeaseShouldGoToTheScriptAndBeTaken() {
		this.store.acquireLease("expired", TTL, "old", null);
		this.store.acquireLease("released", TTL, "old", null);
		this.store.cancelLease("released", "old");
		this.store.acquireLease("retired", TTL, "old", null);
		this.store.completeLease("retired", "old", "{}", null, Duration.ofMinutes(1));
		this.store.setTimeOffset(TTL.plusMinutes(1));
		for (String key : new String[] { "expired", "released", "retired" }) {
			resetStats();
			LeaseResult taken = this.store.acquireLease(key, TTL, "new", null);
			assertThat(commands()).as(key).containsEntry("evalsha", 1L).containsEntry("del", 1L);
			assertThat(taken.outcome()).as(key).isEqualTo(LeaseResult.Outcome.ACQUIRED);
			assertThat(taken.record().version()).as(key).isEqualTo(key.equals("retired") ? 1 : 2);
			assertThat(this.store.getLease(key).leaseId()).as(key).isEqualTo("new");
		}
	}

	@Test
	void readsShouldRunNoScript() {
		String id = UUID.randomUUID().toString();
		this.store.acquireLease("k", TTL, id, null);
		this.store.tryLock("l", TTL, "{\"who\":1}");
		resetStats();
		assertThat(this.store.getLease("k").leaseId()).isEqualTo(id);
		assertThat(this.store.getLease("absent")).isNull();
		assertThat(this.store.getLock("l").metadataJson()).isEqualTo("{\"who\":1}");
		assertThat(this.store.getLock("absent")).isNull();
		assertThat(this.store.now()).isNotNull();
		assertThat(commands()).doesNotContainKeys("evalsha", "eval");
		// past their time by the store clock, both read as gone although Redis still has
		// them
		this.store.setTimeOffset(TTL.plusSeconds(1));
		assertThat(this.store.getLock("l")).isNull();
		assertThat(this.store.getLease("k").isExpired()).isTrue();
	}

	@Test
	void aNewLockShouldBeOneSetWhileATakenOneIsReadToo() {
		resetStats();
		assertThat(this.store.tryLock("l", TTL, "{\"who\":1}").acquired()).isTrue();
		assertThat(commands()).containsEntry("evalsha", 1L).containsEntry("set", 1L).doesNotContainKey("get");
		resetStats();
		assertThat(this.store.tryLock("l", TTL, "{\"who\":2}").record().metadataJson()).isEqualTo("{\"who\":1}");
		assertThat(commands()).containsEntry("set", 1L).containsEntry("get", 1L);
	}

	@Test
	void scriptsShouldBeLoadedAgainWhenRedisForgotThem() {
		this.store.tryLock("warm", TTL, null);
		redis.execute((RedisConnection connection) -> {
			connection.scriptingCommands().scriptFlush();
			return null;
		});
		resetStats();
		assertThat(this.store.tryLock("l", TTL, null).acquired()).isTrue();
		assertThat(commands()).containsEntry("eval", 1L);
		resetStats();
		assertThat(this.store.tryLock("l2", TTL, null).acquired()).isTrue();
		assertThat(commands()).containsEntry("evalsha", 1L).doesNotContainKey("eval");
	}

	@Test
	void anUnreadableLeaseShouldFailClearlyInsteadOfBeingAnswered() {
		RedisStore store = this.store;
		redis.opsForHash().putAll(store.leaseKey("k"), Map.of("state", "COMPLETED", "expires_at", "soon"));
		assertThatExceptionOfType(StoreException.class).isThrownBy(() -> store.acquireLease("k", TTL, "id", null))
			.withMessageContaining("could not acquire the lease");
		assertThatExceptionOfType(StoreException.class).isThrownBy(() -> store.getLease("k"))
			.withMessageContaining("could not read the lease");
	}

	@Test
	void aKeyOfAnotherTypeShouldFailClearly() {
		redis.opsForValue().set(this.store.leaseKey("k"), "not a hash");
		redis.opsForHash().put(this.store.lockKey("l"), "not", "a string");
		assertThatExceptionOfType(StoreException.class).isThrownBy(() -> this.store.acquireLease("k", TTL, "id", null))
			.withMessageContaining("could not acquire the lease")
			.withMessageContaining("WRONGTYPE");
		assertThatExceptionOfType(StoreException.class).isThrownBy(() -> this.store.getLock("l"))
			.withMessageContaining("could not read the lock")
			.withMessageContaining("WRONGTYPE");
	}

	@Test
	void aRedisThatStopsAnsweringOrGoesAwayShouldFailWithTheStoreException() throws Exception {
		try (PrivateRedis own = PrivateRedis.start()) {
			LettuceConnectionFactory quick = factory(own.port(), Duration.ofMillis(300));
			try {
				RedisStore store = new RedisStore(quick, "cmd:", RedisNearCacheSettings.OFF);
				store.acquireLease("k", TTL, "id", null);
				// every client of this Redis waits (far longer than the command timeout)
				new StringRedisTemplate(quick).execute((RedisConnection connection) -> connection.execute("CLIENT",
						"PAUSE".getBytes(), "60000".getBytes(), "ALL".getBytes()));
				assertThatExceptionOfType(StoreException.class)
					.isThrownBy(() -> store.acquireLease("k", TTL, "id2", null))
					.withMessageContaining("could not acquire the lease");
				assertThatExceptionOfType(StoreException.class)
					.isThrownBy(() -> store.completeLease("k", "id", "{}", null, RETENTION))
					.withMessageContaining("could not complete the lease");
				own.close();
				assertThatExceptionOfType(StoreException.class).isThrownBy(() -> store.getLease("k"))
					.withMessageContaining("could not read the lease");
				assertThatExceptionOfType(StoreException.class).isThrownBy(() -> store.tryLock("l", TTL, null))
					.withMessageContaining("could not take the lock");
			}
			finally {
				quick.destroy();
			}
		}
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
			if (command.equals("info") || command.equals("config|resetstat") || command.startsWith("config")) {
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
