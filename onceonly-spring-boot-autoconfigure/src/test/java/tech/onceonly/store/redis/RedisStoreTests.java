package tech.onceonly.store.redis;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import tech.onceonly.store.AbstractStoreConcurrencyTests;
import tech.onceonly.store.OnceOnlyStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The store contract and fuzz on a real Redis ({@code ONCEONLY_TEST_REDIS_URL}). */
class RedisStoreTests extends AbstractStoreConcurrencyTests {

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void connect() {
		connectionFactory = RedisTestConnections.create();
	}

	@AfterAll
	static void disconnect() {
		if (connectionFactory != null) {
			connectionFactory.destroy();
		}
	}

	@Override
	protected OnceOnlyStore createStore() {
		return new RedisStore(connectionFactory);
	}

	@Override
	protected void setTimeOffset(OnceOnlyStore store, Duration offset) {
		((RedisStore) store).setTimeOffset(offset);
	}

	@Test
	void keysShouldShareTheHashTagOfTheirLogicalKey() {
		RedisStore redis = (RedisStore) this.store;
		assertThat(redis.lockKey("order-1")).isEqualTo("onceonly:{order-1}:lock");
		assertThat(redis.leaseKey("order-1")).isEqualTo("onceonly:{order-1}:lease");
		assertThatIllegalArgumentException().isThrownBy(() -> new RedisStore(connectionFactory, "a{b}:"));
	}

	@Test
	void keysShouldCarryARedisExpirySoMemoryStaysBounded() {
		String id = UUID.randomUUID().toString();
		this.store.tryLock(key("a"), TTL, null);
		this.store.acquireLease(key("l"), TTL, id, null);
		StringRedisTemplate redis = new StringRedisTemplate(connectionFactory);
		RedisStore store = (RedisStore) this.store;
		assertThat(redis.getExpire(store.lockKey(key("a")))).isBetween(1L, TTL.toSeconds());
		assertThat(redis.getExpire(store.leaseKey(key("l")))).isGreaterThan(TTL.toSeconds());
		this.store.completeLease(key("l"), id, "{}", null, RETENTION);
		assertThat(redis.getExpire(store.leaseKey(key("l")))).isGreaterThan(RETENTION.toSeconds() - 60);
	}

	@Test
	void duplicateThatFindsACompletedLeaseShouldNotWrite() {
		String id = UUID.randomUUID().toString();
		this.store.acquireLease(key("l"), TTL, id, null);
		this.store.completeLease(key("l"), id, "{}", null, RETENTION);
		StringRedisTemplate redis = new StringRedisTemplate(connectionFactory);
		Long dirtyBefore = dirty(redis);
		this.store.acquireLease(key("l"), TTL, UUID.randomUUID().toString(), null);
		assertThat(dirty(redis)).isEqualTo(dirtyBefore);
	}

	private static Long dirty(StringRedisTemplate redis) {
		return redis.execute((org.springframework.data.redis.core.RedisCallback<Long>) (connection) -> Long
			.valueOf(connection.serverCommands().info("persistence").getProperty("rdb_changes_since_last_save")));
	}

}
