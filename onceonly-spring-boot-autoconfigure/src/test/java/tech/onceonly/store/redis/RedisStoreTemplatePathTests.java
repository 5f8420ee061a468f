package tech.onceonly.store.redis;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisSentinelConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import tech.onceonly.store.AbstractStoreContractTests;
import tech.onceonly.store.OnceOnlyStore;

/**
 * The store contract on a connection factory that is not Lettuce's (as with another
 * driver): every operation then runs as a script through the template, the path the
 * Lettuce calls and script-free reads replace.
 */
class RedisStoreTemplatePathTests extends AbstractStoreContractTests {

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
		return new RedisStore(new OtherDriver(connectionFactory));
	}

	@Override
	protected void setTimeOffset(OnceOnlyStore store, Duration offset) {
		((RedisStore) store).setTimeOffset(offset);
	}

	/** A factory of another type than Lettuce's, handing out the same connections. */
	private record OtherDriver(RedisConnectionFactory target) implements RedisConnectionFactory {

		@Override
		public boolean getConvertPipelineAndTxResults() {
			return this.target.getConvertPipelineAndTxResults();
		}

		@Override
		public RedisConnection getConnection() {
			return this.target.getConnection();
		}

		@Override
		public RedisClusterConnection getClusterConnection() {
			return this.target.getClusterConnection();
		}

		@Override
		public RedisSentinelConnection getSentinelConnection() {
			return this.target.getSentinelConnection();
		}

		@Override
		public @Nullable DataAccessException translateExceptionIfPossible(RuntimeException ex) {
			return this.target.translateExceptionIfPossible(ex);
		}

	}

}
