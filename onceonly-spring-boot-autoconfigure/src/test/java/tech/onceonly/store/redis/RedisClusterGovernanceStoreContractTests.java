package tech.onceonly.store.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import tech.onceonly.store.AbstractGovernanceStoreContractTests;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.GovernanceTestClock;

/**
 * The governance store contract on the test Redis Cluster
 * ({@code ONCEONLY_TEST_REDIS_CLUSTER_NODES}): the reservation script's counters of one
 * agent share a slot, and everything else works across the masters. Each store has a key
 * prefix of its own.
 */
class RedisClusterGovernanceStoreContractTests extends AbstractGovernanceStoreContractTests {

	private static LettuceConnectionFactory factory;

	@BeforeAll
	static void connect() {
		factory = TestRedisCluster.connect();
	}

	@AfterAll
	static void disconnect() {
		if (factory != null) {
			RedisGovernanceTestSupport.clean(factory);
			factory.destroy();
		}
	}

	@Override
	protected GovernanceStore createStore(GovernanceTestClock clock) {
		return RedisGovernanceTestSupport.store(factory, clock);
	}

}
