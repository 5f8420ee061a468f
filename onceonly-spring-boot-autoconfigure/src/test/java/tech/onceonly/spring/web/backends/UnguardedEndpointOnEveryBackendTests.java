package tech.onceonly.spring.web.backends;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.util.StreamUtils;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.web.idempotency.DefaultIdempotencyKeyScopeResolver;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyFilter;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyInterceptor;
import tech.onceonly.spring.web.idempotency.IdempotencyKeySettings;
import tech.onceonly.spring.web.reactive.ReactiveWebClients;
import tech.onceonly.spring.web.webhook.WebhookVerification;
import tech.onceonly.store.FaultyStore;
import tech.onceonly.store.FaultyStore.Op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * An {@code Idempotency-Key} header on an endpoint that is not guarded, on every local
 * backend (in-memory, JDBC on PostgreSQL and MariaDB, Redis and the Redis Cluster), on
 * Spring MVC and WebFlux: the handler runs every time, its response is not held back, and
 * the store never hears of the request (every store operation is counted by a
 * {@link FaultyStore} decorator).
 */
class UnguardedEndpointOnEveryBackendTests {

	private WebBackend backend;

	private FaultyStore store;

	private LocalOnceOnly onceOnly;

	private final Echo echo = new Echo();

	@AfterEach
	void tearDown() throws Exception {
		if (this.onceOnly != null) {
			this.onceOnly.close();
		}
		if (this.backend != null) {
			this.backend.close();
		}
	}

	private void open(String name) {
		this.backend = WebBackend.open(name);
		this.store = new FaultyStore(this.backend.store);
		this.onceOnly = new LocalOnceOnly(this.store);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "postgres", "mariadb", "redis", "redis-cluster" })
	void theHeaderOnAnUnguardedEndpointShouldNotReachTheStoreOnSpringMvc(String name) throws Exception {
		open(name);
		IdempotencyKeySettings settings = IdempotencyKeySettings.defaults();
		MockMvc mvc = MockMvcBuilders.standaloneSetup(this.echo)
			.addFilters(new IdempotencyKeyFilter(this.onceOnly, settings))
			.addInterceptors(new IdempotencyKeyInterceptor(this.onceOnly, settings,
					new DefaultIdempotencyKeyScopeResolver("X-Tenant"), null))
			.build();
		for (int i = 0; i < 3; i++) {
			mvc.perform(post("/echo").header("Idempotency-Key", "\"same-key\"")
				.contentType(MediaType.TEXT_PLAIN)
				.content("hello " + i))
				.andExpect(status().isOk())
				.andExpect(header().doesNotExist("Idempotent-Replayed"))
				.andExpect(content().string("hello " + i));
		}
		assertThat(this.echo.bodies).containsExactly("hello 0", "hello 1", "hello 2");
		// the handler's flush committed the response before it returned: nothing buffered
		assertThat(this.echo.committedBeforeReturn).containsExactly(true, true, true);
		assertNoStoreCalls();
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "postgres", "mariadb", "redis", "redis-cluster" })
	void theHeaderOnAnUnguardedEndpointShouldNotReachTheStoreOnWebFlux(String name) {
		open(name);
		WebTestClient client = ReactiveWebClients.client(this.onceOnly, WebhookVerification.none(), this.echo)
			.mutate()
			.responseTimeout(Duration.ofSeconds(30))
			.build();
		for (int i = 0; i < 3; i++) {
			client.post()
				.uri("/echo-lines")
				.header("Idempotency-Key", "\"same-key\"")
				.contentType(MediaType.TEXT_PLAIN)
				.bodyValue("hello " + i)
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.doesNotExist("Idempotent-Replayed")
				.expectBody(String.class)
				.isEqualTo("hello " + i + "\nend\n");
		}
		assertThat(this.echo.streams.get()).isEqualTo(3);
		assertNoStoreCalls();
	}

	private void assertNoStoreCalls() {
		for (Op op : Op.values()) {
			assertThat(this.store.count(op)).as("%s calls", op).isZero();
		}
	}

	@RestController
	static class Echo {

		final List<String> bodies = new CopyOnWriteArrayList<>();

		final List<Boolean> committedBeforeReturn = new CopyOnWriteArrayList<>();

		final AtomicInteger streams = new AtomicInteger();

		@PostMapping("/echo")
		void echo(HttpServletRequest request, HttpServletResponse response) throws IOException {
			String body = StreamUtils.copyToString(request.getInputStream(), StandardCharsets.UTF_8);
			this.bodies.add(body);
			response.setContentType("text/plain");
			response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
			response.flushBuffer();
			this.committedBeforeReturn.add(response.isCommitted());
		}

		@PostMapping(path = "/echo-lines", produces = MediaType.TEXT_PLAIN_VALUE)
		Flux<String> lines(@RequestBody String body) {
			this.streams.incrementAndGet();
			return Flux.just(body + "\n", "end\n");
		}

	}

}
