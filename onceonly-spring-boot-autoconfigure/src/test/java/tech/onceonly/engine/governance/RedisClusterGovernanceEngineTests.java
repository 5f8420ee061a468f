package tech.onceonly.engine.governance;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.GovernanceTestClock;
import tech.onceonly.store.redis.RedisGovernanceStore;
import tech.onceonly.store.redis.RedisGovernanceTestSupport;
import tech.onceonly.store.redis.TestRedisCluster;

/**
 * The governance engine on the Redis governance store on the test Redis Cluster
 * ({@code ONCEONLY_TEST_REDIS_CLUSTER_NODES}).
 */
class RedisClusterGovernanceEngineTests extends AbstractGovernanceEngineTests {

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
	protected GovernanceStore createGovernanceStore(GovernanceTestClock clock) {
		return RedisGovernanceTestSupport.store(factory, clock);
	}

	@Override
	protected GovernanceStore sameDataFromAnotherInstance() {
		return RedisGovernanceTestSupport.sameData(factory, (RedisGovernanceStore) this.store);
	}

}
