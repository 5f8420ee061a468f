package tech.onceonly.spring.web.backends;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.spring.annotation.IdempotencyKey;
import tech.onceonly.spring.web.Polling;
import tech.onceonly.spring.web.idempotency.DefaultIdempotencyKeyScopeResolver;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyFilter;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyInterceptor;
import tech.onceonly.spring.web.idempotency.IdempotencyKeySettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * An {@code @IdempotencyKey} Spring MVC handler slower than its one-second lease, on
 * every local backend (in-memory, JDBC on PostgreSQL and MariaDB, Redis and the Redis
 * Cluster): while the store's clock moves past the lease four times over, heartbeats keep
 * it, a retry gets 409 with {@code Retry-After} and never runs the handler, nothing is
 * released, and once the handler answers its response is stored and replayed.
 */
class IdempotencyKeySlowHandlerTests {

	private final ExecutorService pool = Executors.newSingleThreadExecutor();

	private final Slow slow = new Slow();

	private WebBackend backend;

	@AfterEach
	void tearDown() throws Exception {
		this.slow.release.countDown();
		this.pool.shutdownNow();
		if (this.backend != null) {
			this.backend.close();
		}
	}

	private MockMvc mvc(String name) {
		this.backend = WebBackend.open(name);
		IdempotencyKeySettings keys = IdempotencyKeySettings.defaults();
		return MockMvcBuilders.standaloneSetup(this.slow)
			.addFilters(new IdempotencyKeyFilter(this.backend.onceOnly, keys))
			.addInterceptors(new IdempotencyKeyInterceptor(this.backend.onceOnly, keys,
					new DefaultIdempotencyKeyScopeResolver("X-Tenant"), null))
			.build();
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "postgres", "mariadb", "redis", "redis-cluster" })
	void slowHandlerShouldKeepItsOneSecondLeaseAndBeReplayedAfterwards(String name) throws Exception {
		MockMvc mvc = mvc(name);
		String key = "\"" + UUID.randomUUID() + "\"";
		Future<MockHttpServletResponse> first = this.pool.submit(
				() -> mvc
					.perform(post("/slow-transfers").header("Idempotency-Key", key)
						.contentType(MediaType.APPLICATION_JSON)
						.content("{\"amount\":5}"))
					.andReturn()
					.getResponse());
		assertThat(this.slow.started.await(10, TimeUnit.SECONDS)).isTrue();
		for (int i = 0; i < 4; i++) {
			this.backend.advance(Duration.ofMillis(700));
			Instant moved = this.backend.store.now();
			Polling.await("a heartbeat after the store clock moved", Duration.ofSeconds(10),
					() -> this.backend.store.extendedSince(moved));
		}
		MockHttpServletResponse retry = mvc
			.perform(post("/slow-transfers").header("Idempotency-Key", key)
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"amount\":5}"))
			.andReturn()
			.getResponse();
		assertThat(retry.getStatus()).isEqualTo(409);
		assertThat(retry.getHeader("Retry-After")).isNotNull();
		this.slow.release.countDown();
		MockHttpServletResponse answered = first.get(10, TimeUnit.SECONDS);
		assertThat(answered.getStatus()).isEqualTo(201);
		assertThat(answered.getContentAsString()).isEqualTo("{\"transfer\":1}");
		MockHttpServletResponse replay = mvc
			.perform(post("/slow-transfers").header("Idempotency-Key", key)
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"amount\":5}"))
			.andReturn()
			.getResponse();
		assertThat(replay.getStatus()).isEqualTo(201);
		assertThat(replay.getHeader("Idempotent-Replayed")).isEqualTo("true");
		assertThat(replay.getContentAsString()).isEqualTo("{\"transfer\":1}");
		assertThat(this.slow.runs.get()).isEqualTo(1);
		assertThat(this.backend.store.cancels()).isZero();
	}

	/** A handler held until the test releases it, under a one-second lease. */
	@RestController
	static class Slow {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger runs = new AtomicInteger();

		@PostMapping("/slow-transfers")
		@IdempotencyKey(leaseTtlSeconds = 1)
		ResponseEntity<String> transfer(@RequestBody String body) throws InterruptedException {
			int n = this.runs.incrementAndGet();
			this.started.countDown();
			this.release.await(30, TimeUnit.SECONDS);
			return ResponseEntity.status(201).contentType(MediaType.APPLICATION_JSON).body("{\"transfer\":" + n + "}");
		}

	}

}
