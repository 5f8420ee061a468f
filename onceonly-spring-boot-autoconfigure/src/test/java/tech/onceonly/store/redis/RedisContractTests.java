package tech.onceonly.store.redis;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.contract.AbstractOnceOnlyContractTests;
import tech.onceonly.engine.LocalOnceOnly;

/**
 * The backend contract on the local engine with the Redis store
 * ({@code ONCEONLY_TEST_REDIS_URL}).
 */
class RedisContractTests extends AbstractOnceOnlyContractTests {

	private static LettuceConnectionFactory connectionFactory;

	private RedisStore store;

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
	protected OnceOnly createClient() {
		this.store = new RedisStore(connectionFactory);
		return new LocalOnceOnly(this.store);
	}

	@Override
	protected void advanceTime(Duration duration) {
		this.store.setTimeOffset(this.store.getTimeOffset().plus(duration));
	}

}
