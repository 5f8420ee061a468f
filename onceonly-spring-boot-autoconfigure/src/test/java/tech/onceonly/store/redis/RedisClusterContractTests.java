package tech.onceonly.store.redis;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.contract.AbstractFaultContractTests;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.FaultyStore;

/**
 * The backend contract, with store faults, on the local engine with the Redis store on
 * the test Redis Cluster ({@code ONCEONLY_TEST_REDIS_CLUSTER_NODES}), under a key prefix
 * of its own.
 */
class RedisClusterContractTests extends AbstractFaultContractTests {

	private static LettuceConnectionFactory connectionFactory;

	private RedisStore store;

	private FaultyStore faults;

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
	protected OnceOnly createClient() {
		this.store = new RedisStore(connectionFactory, "onceonly-cluster-contract:", nearCache());
		if (this.store.nearCache() != null) {
			RedisNearCaches.awaitLive(this.store);
		}
		this.faults = new FaultyStore(this.store);
		return LocalOnceOnly.builder(this.faults).leaseEvents(this.leaseEvents).build();
	}

	/** The near cache the store runs with (on, the default; a subclass turns it off). */
	RedisNearCacheSettings nearCache() {
		return RedisNearCacheSettings.DEFAULTS;
	}

	@AfterEach
	void closeStore() {
		if (this.store != null) {
			this.store.close();
		}
	}

	@Override
	protected FaultyStore faults() {
		return this.faults;
	}

	@Override
	protected void advanceTime(Duration duration) {
		this.store.setTimeOffset(this.store.getTimeOffset().plus(duration));
	}

}
