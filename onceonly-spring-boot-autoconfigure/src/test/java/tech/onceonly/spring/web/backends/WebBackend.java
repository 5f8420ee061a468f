package tech.onceonly.spring.web.backends;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

import com.zaxxer.hikari.HikariDataSource;
import io.lettuce.core.ClientOptions;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.web.ScriptedStore;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.StoreTimeShift;
import tech.onceonly.store.TestServices;
import tech.onceonly.store.jdbc.JdbcStore;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;
import tech.onceonly.store.redis.RedisStore;
import tech.onceonly.store.redis.TestRedisCluster;

/**
 * One OnceOnly backend for the web tests: the local engine on the in-memory store, on
 * JDBC with H2 (in memory), PostgreSQL ({@code ONCEONLY_TEST_POSTGRES_URL}) or MariaDB
 * ({@code ONCEONLY_TEST_MARIADB_URL}), or on Redis ({@code ONCEONLY_TEST_REDIS_URL}) or
 * the Redis Cluster ({@code ONCEONLY_TEST_REDIS_CLUSTER_NODES}); a missing server fails
 * the test on CI and skips it elsewhere (see {@link TestServices}). The store is wrapped
 * in a {@link ScriptedStore} so tests can count the store calls.
 */
final class WebBackend implements AutoCloseable {

	final ScriptedStore store;

	final LocalOnceOnly onceOnly;

	private final AutoCloseable resources;

	private final Consumer<Duration> clock;

	private WebBackend(OnceOnlyStore store, AutoCloseable resources, Consumer<Duration> clock) {
		this.store = new ScriptedStore(store);
		this.onceOnly = new LocalOnceOnly(this.store);
		this.resources = resources;
		this.clock = clock;
	}

	/** Moves the store's clock forward (no sleeping to expire a lease). */
	void advance(Duration duration) {
		this.clock.accept(duration);
	}

	static WebBackend open(String name) {
		return switch (name) {
			case "memory" -> {
				MutableClock clock = MutableClock.startingAt2026();
				yield new WebBackend(new InMemoryStore(clock), () -> {
				}, clock::advance);
			}
			case "h2" -> {
				JdbcStore store = new JdbcStore(new DriverManagerDataSource(
						"jdbc:h2:mem:web-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", ""), "web_h2_", null);
				store.initializeSchema();
				yield new WebBackend(store, () -> {
				}, (duration) -> StoreTimeShift.of(store).advance(duration));
			}
			case "postgres" -> {
				String url = TestServices.postgresUrl();
				HikariDataSource dataSource = new HikariDataSource();
				dataSource.setJdbcUrl(url);
				dataSource.setUsername("postgres");
				dataSource.setMaximumPoolSize(24);
				dataSource.setConnectionTimeout(2000);
				dataSource.setInitializationFailTimeout(-1);
				JdbcStore store = new JdbcStore(dataSource);
				store.initializeSchema();
				yield new WebBackend(store, dataSource::close,
						(duration) -> StoreTimeShift.of(store).advance(duration));
			}
			case "redis" -> {
				URI uri = URI.create(TestServices.redisUrl());
				LettuceClientConfiguration client = LettuceClientConfiguration.builder()
					.commandTimeout(Duration.ofSeconds(2))
					.clientOptions(ClientOptions.builder()
						.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
						.build())
					.build();
				LettuceConnectionFactory factory = new LettuceConnectionFactory(
						new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()), client);
				factory.afterPropertiesSet();
				factory.start();
				RedisStore store = new RedisStore(factory);
				yield new WebBackend(store, () -> {
					store.close();
					factory.destroy();
				}, (duration) -> StoreTimeShift.of(store).advance(duration));
			}
			case "mariadb" -> {
				HikariDataSource dataSource = new HikariDataSource();
				dataSource.setJdbcUrl(TestServices.mariadbUrl());
				dataSource.setMaximumPoolSize(24);
				dataSource.setConnectionTimeout(2000);
				dataSource.setInitializationFailTimeout(-1);
				JdbcStore store = new JdbcStore(dataSource, "web_maria_", null);
				store.initializeSchema();
				yield new WebBackend(store, dataSource::close,
						(duration) -> StoreTimeShift.of(store).advance(duration));
			}
			case "redis-cluster" -> {
				LettuceConnectionFactory factory = TestRedisCluster.connect();
				RedisStore store = new RedisStore(factory, "onceonly-web-cluster:");
				yield new WebBackend(store, () -> {
					store.close();
					factory.destroy();
				}, (duration) -> StoreTimeShift.of(store).advance(duration));
			}
			default -> throw new IllegalArgumentException("unknown backend " + name);
		};
	}

	@Override
	public void close() throws Exception {
		this.onceOnly.close();
		this.resources.close();
	}

}
