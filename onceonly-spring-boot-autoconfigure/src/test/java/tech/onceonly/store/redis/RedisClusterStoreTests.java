package tech.onceonly.store.redis;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import tech.onceonly.store.AbstractStoreConcurrencyTests;
import tech.onceonly.store.OnceOnlyStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract and fuzz on the test Redis Cluster
 * ({@code ONCEONLY_TEST_REDIS_CLUSTER_NODES}: three masters, one replica each), under a
 * key prefix of its own.
 */
class RedisClusterStoreTests extends AbstractStoreConcurrencyTests {

	private static final String PREFIX = "onceonly-cluster-store:";

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void connect() {
		connectionFactory = TestRedisCluster.connect();
	}

	@AfterAll
	static void disconnect() {
		if (connectionFactory != null) {
			connectionFactory.destroy();
		}
	}

	@Override
	protected OnceOnlyStore createStore() {
		return new RedisStore(connectionFactory, PREFIX);
	}

	@Override
	protected void setTimeOffset(OnceOnlyStore store, Duration offset) {
		((RedisStore) store).setTimeOffset(offset);
	}

	@Test
	void keysOfOneLogicalKeyShareASlotAndKeysSpreadOverEveryMaster() {
		RedisStore redis = (RedisStore) this.store;
		Set<Integer> thirds = new HashSet<>();
		for (int i = 0; i < 30; i++) {
			String key = key("spread-" + i);
			int slot = TestRedisCluster.slot(redis.leaseKey(key));
			assertThat(TestRedisCluster.slot(redis.lockKey(key))).isEqualTo(slot);
			thirds.add(slot * 3 / 16384);
			this.store.tryLock(key, TTL, null);
		}
		assertThat(thirds).as("keys on each third of the slots (one master each)").hasSize(3);
	}

}
