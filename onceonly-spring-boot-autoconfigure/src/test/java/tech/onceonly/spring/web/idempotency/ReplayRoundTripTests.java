package tech.onceonly.spring.web.idempotency;

import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.annotation.IdempotencyKey;
import tech.onceonly.store.FaultyStore;
import tech.onceonly.store.FaultyStore.Op;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.TestServices;
import tech.onceonly.store.jdbc.JdbcStore;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.redis.RedisStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A replay of a finished Idempotency-Key request costs one store call (the lease, whose
 * answer carries the stored response) and no second read, on every backend: the in-memory
 * store, H2, PostgreSQL and Redis (the real servers), counted by a recording decorator
 * around the store.
 */
class ReplayRoundTripTests {

	private static final String PAYMENT = "{\"amount\":1000,\"currency\":\"eur\"}";

	private static HikariDataSource postgres;

	private static LettuceConnectionFactory redis;

	@AfterAll
	static void close() {
		if (postgres != null) {
			postgres.close();
		}
		if (redis != null) {
			redis.destroy();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "h2", "postgresql", "redis" })
	void aReplayShouldBeOneStoreCall(String backend) throws Exception {
		FaultyStore store = new FaultyStore(store(backend));
		AtomicInteger handled = new AtomicInteger();
		try (LocalOnceOnly onceOnly = new LocalOnceOnly(store)) {
			IdempotencyKeySettings settings = IdempotencyKeySettings.defaults();
			MockMvc mvc = MockMvcBuilders.standaloneSetup(new Orders(handled))
				.addFilters(new IdempotencyKeyFilter(onceOnly, settings))
				.addInterceptors(new IdempotencyKeyInterceptor(onceOnly, settings,
						new DefaultIdempotencyKeyScopeResolver("X-Tenant"), null))
				.build();
			String key = "\"" + UUID.randomUUID() + "\"";
			MvcResult first = mvc
				.perform(post("/orders").header("Idempotency-Key", key)
					.contentType(MediaType.APPLICATION_JSON)
					.content(PAYMENT))
				.andExpect(status().isCreated())
				.andReturn();
			assertThat(store.count(Op.ACQUIRE_LEASE)).isEqualTo(1);
			assertThat(store.count(Op.COMPLETE_LEASE)).isEqualTo(1);
			for (int replay = 1; replay <= 3; replay++) {
				store.reset();
				MvcResult again = mvc
					.perform(post("/orders").header("Idempotency-Key", key)
						.contentType(MediaType.APPLICATION_JSON)
						.content(PAYMENT))
					.andExpect(status().isCreated())
					.andExpect(header().string("Idempotent-Replayed", "true"))
					.andExpect(header().string("Location", "/orders/1"))
					.andReturn();
				assertThat(again.getResponse().getContentAsByteArray())
					.isEqualTo(first.getResponse().getContentAsByteArray());
				assertThat(store.count(Op.ACQUIRE_LEASE)).as("lease calls of replay %d", replay).isEqualTo(1);
				int total = 0;
				for (Op op : Op.values()) {
					total += store.count(op);
				}
				assertThat(total).as("store calls of replay %d", replay).isEqualTo(1);
			}
			store.reset();
			mvc.perform(post("/orders").header("Idempotency-Key", key)
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"amount\":5}")).andExpect(status().isUnprocessableContent());
			assertThat(store.count(Op.ACQUIRE_LEASE)).isEqualTo(1);
			assertThat(store.count(Op.GET_LEASE)).isZero();
			assertThat(handled.get()).isEqualTo(1);
		}
	}

	private static OnceOnlyStore store(String backend) {
		return switch (backend) {
			case "memory" -> new InMemoryStore();
			case "h2" ->
				jdbc(new DriverManagerDataSource("jdbc:h2:mem:replay-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa",
						""), "replay_rt_");
			case "postgresql" -> jdbc(postgres(), "perf_replay_");
			case "redis" -> new RedisStore(redis(), "perf-replay:");
			default -> throw new IllegalArgumentException(backend);
		};
	}

	private static JdbcStore jdbc(javax.sql.DataSource dataSource, String prefix) {
		JdbcStore store = new JdbcStore(dataSource, prefix, null);
		store.initializeSchema();
		return store;
	}

	private static synchronized HikariDataSource postgres() {
		if (postgres == null) {
			postgres = new HikariDataSource();
			postgres.setJdbcUrl(TestServices.postgresUrl());
			postgres.setUsername("postgres");
			postgres.setMaximumPoolSize(4);
			postgres.setConnectionTimeout(2000);
		}
		return postgres;
	}

	private static synchronized LettuceConnectionFactory redis() {
		if (redis == null) {
			URI uri = URI.create(TestServices.redisUrl());
			redis = new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
			redis.afterPropertiesSet();
			redis.start();
		}
		return redis;
	}

	@RestController
	static class Orders {

		private final AtomicInteger handled;

		Orders(AtomicInteger handled) {
			this.handled = handled;
		}

		@PostMapping("/orders")
		@IdempotencyKey
		ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, Object> request) {
			int n = this.handled.incrementAndGet();
			return ResponseEntity.created(URI.create("/orders/" + n)).body(Map.of("id", "ord_" + n, "ok", true));
		}

	}

}
