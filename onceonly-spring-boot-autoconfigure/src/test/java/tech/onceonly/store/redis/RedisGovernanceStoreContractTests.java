package tech.onceonly.store.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import tech.onceonly.store.AbstractGovernanceStoreContractTests;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.GovernanceTestClock;

/** The governance store contract on Redis ({@code ONCEONLY_TEST_REDIS_URL}). */
class RedisGovernanceStoreContractTests extends AbstractGovernanceStoreContractTests {

	private static LettuceConnectionFactory factory;

	@BeforeAll
	static void connect() {
		factory = RedisGovernanceTestSupport.connect();
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
