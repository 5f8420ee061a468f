package tech.onceonly.spring.web.reactive;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.FaultyStore;
import tech.onceonly.spring.annotation.IdempotencyKey;
import tech.onceonly.spring.web.RecordedObservations;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyRules;
import tech.onceonly.spring.web.idempotency.IdempotencyKeySettings;
import tech.onceonly.spring.web.webhook.WebhookSettings;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/** The Idempotency-Key header on WebFlux, on the local engine and the in-memory store. */
class ReactiveIdempotencyKeyFilterTests {

	private static final String PAYMENT = "{\"amount\":1000,\"currency\":\"eur\"}";

	private final MutableClock clock = MutableClock.startingAt2026();

	private final LocalOnceOnly onceOnly = new LocalOnceOnly(new InMemoryStore(this.clock));

	private final RecordedObservations observations = new RecordedObservations();

	private final AtomicInteger calls = new AtomicInteger();

	private WebTestClient client;

	@BeforeEach
	void setUp() {
		this.client = client(IdempotencyKeySettings.defaults().withPaths(List.of("/orders/**")));
	}

	@AfterEach
	void tearDown() {
		this.onceOnly.close();
	}

	private WebTestClient client(IdempotencyKeySettings settings) {
		return ReactiveWebTestSupport.client(this.onceOnly, WebhookSettings.defaults(), settings,
				this.observations.registry(), new Payments(this.calls));
	}

	private WebTestClient.ResponseSpec pay(WebTestClient client, String key, String body) {
		return client.post()
			.uri("/payments")
			.header("Idempotency-Key", key)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

	@Test
	void retryShouldReplayTheFirstResponseByteForByte() {
		EntityExchangeResult<byte[]> first = pay(this.client, "\"k-1\"", PAYMENT).expectStatus()
			.isCreated()
			.expectHeader()
			.location("/payments/1")
			.expectHeader()
			.doesNotExist("Idempotent-Replayed")
			.expectBody()
			.returnResult();
		EntityExchangeResult<byte[]> replay = pay(this.client, "\"k-1\"", PAYMENT).expectStatus()
			.isCreated()
			.expectHeader()
			.location("/payments/1")
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true")
			.expectBody()
			.returnResult();
		assertThat(replay.getResponseBody()).isNotEmpty().isEqualTo(first.getResponseBody());
		assertThat(replay.getResponseHeaders().getContentType()).isEqualTo(first.getResponseHeaders().getContentType());
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void aReplayShouldBeOneStoreCall() {
		FaultyStore store = new FaultyStore(new InMemoryStore(this.clock));
		try (LocalOnceOnly counted = new LocalOnceOnly(store)) {
			AtomicInteger handled = new AtomicInteger();
			WebTestClient client = ReactiveWebTestSupport.client(counted, WebhookSettings.defaults(),
					IdempotencyKeySettings.defaults().withPaths(List.of("/orders/**")), this.observations.registry(),
					new Payments(handled));
			pay(client, "\"one-read\"", PAYMENT).expectStatus().isCreated();
			for (int replay = 1; replay <= 3; replay++) {
				store.reset();
				pay(client, "\"one-read\"", PAYMENT).expectStatus()
					.isCreated()
					.expectHeader()
					.valueEquals("Idempotent-Replayed", "true");
				int total = 0;
				for (FaultyStore.Op op : FaultyStore.Op.values()) {
					total += store.count(op);
				}
				assertThat(store.count(FaultyStore.Op.ACQUIRE_LEASE)).as("lease calls of replay %d", replay)
					.isEqualTo(1);
				assertThat(total).as("store calls of replay %d", replay).isEqualTo(1);
			}
			assertThat(handled.get()).isEqualTo(1);
		}
	}

	private WebTestClient.ResponseSpec payWithQuery(String key, String query) {
		return this.client.post()
			.uri("/payments?" + query)
			.header("Idempotency-Key", key)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(PAYMENT)
			.exchange();
	}

	@Test
	void sameKeyWithAnotherQueryStringShouldBe422() {
		payWithQuery("\"k-query\"", "amount=5").expectStatus().isCreated();
		payWithQuery("\"k-query\"", "amount=500").expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://onceonly.tech/problems/idempotency-key-mismatch");
		pay(this.client, "\"k-query\"", PAYMENT).expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void sameQueryInAnotherOrderShouldReplay() {
		payWithQuery("\"k-order\"", "currency=eur&amount=5&tag=a&tag=b").expectStatus().isCreated();
		payWithQuery("\"k-order\"", "amount=5&tag=a&currency=eur&tag=b").expectStatus()
			.isCreated()
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true");
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void sameKeyWithAnotherPayloadShouldBe422() {
		pay(this.client, "\"k-2\"", PAYMENT).expectStatus().isCreated();
		pay(this.client, "\"k-2\"", "{\"amount\":5}").expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectHeader()
			.contentType("application/problem+json")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://onceonly.tech/problems/idempotency-key-mismatch")
			.jsonPath("$.status")
			.isEqualTo(422);
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void missingOrInvalidKeyShouldBe400() {
		this.client.post()
			.uri("/payments")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(PAYMENT)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://onceonly.tech/problems/idempotency-key-missing");
		pay(this.client, "\"open", PAYMENT).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://onceonly.tech/problems/idempotency-key-invalid");
		assertThat(this.calls.get()).isZero();
	}

	@Test
	void requestInFlightShouldBe409WithRetryAfter() {
		String key = new IdempotencyKeyRules(IdempotencyKeySettings.defaults()).storageKey("anonymous", "POST",
				"/payments", "busy");
		this.onceOnly.ai().lease(key, Duration.ofMinutes(5), null);
		pay(this.client, "\"busy\"", PAYMENT).expectStatus()
			.isEqualTo(HttpStatus.CONFLICT)
			.expectHeader()
			.exists("Retry-After")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://onceonly.tech/problems/idempotency-key-in-progress");
		this.clock.advance(Duration.ofMinutes(6));
		pay(this.client, "\"busy\"", PAYMENT).expectStatus().isCreated();
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void serverErrorAndExceptionShouldReleaseTheKey() {
		for (int i = 0; i < 2; i++) {
			this.client.post()
				.uri("/status/500")
				.header("Idempotency-Key", "\"e\"")
				.exchange()
				.expectStatus()
				.isEqualTo(500)
				.expectHeader()
				.doesNotExist("Idempotent-Replayed");
			this.client.post()
				.uri("/boom")
				.header("Idempotency-Key", "\"b\"")
				.exchange()
				.expectStatus()
				.is5xxServerError();
		}
		assertThat(this.calls.get()).isEqualTo(4);
	}

	@Test
	void clientErrorShouldBeReplayed() {
		this.client.post().uri("/status/404").header("Idempotency-Key", "\"c\"").exchange().expectStatus().isNotFound();
		this.client.post()
			.uri("/status/404")
			.header("Idempotency-Key", "\"c\"")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true");
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void keysShouldBeScopedByTenant() {
		this.client.post()
			.uri("/payments")
			.header("Idempotency-Key", "\"t\"")
			.header("X-Tenant", "a")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(PAYMENT)
			.exchange()
			.expectStatus()
			.isCreated();
		this.client.post()
			.uri("/payments")
			.header("Idempotency-Key", "\"t\"")
			.header("X-Tenant", "b")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(PAYMENT)
			.exchange()
			.expectHeader()
			.doesNotExist("Idempotent-Replayed");
		assertThat(this.calls.get()).isEqualTo(2);
	}

	@Test
	void configuredPathsShouldBeGuardedWithoutAnAnnotation() {
		this.client.post().uri("/orders/new").exchange().expectStatus().isBadRequest();
		this.client.post().uri("/orders/new").header("Idempotency-Key", "\"o\"").exchange().expectStatus().isOk();
		this.client.post()
			.uri("/orders/new")
			.header("Idempotency-Key", "\"o\"")
			.exchange()
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true");
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void responseOverTheStorageLimitShouldReplayStatusAndHeadersOnly() {
		WebTestClient small = client(IdempotencyKeySettings.defaults().withMaxStoredBodyBytes(4));
		pay(small, "\"big\"", PAYMENT).expectStatus().isCreated();
		pay(small, "\"big\"", PAYMENT).expectStatus()
			.isCreated()
			.expectHeader()
			.location("/payments/1")
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true")
			.expectBody()
			.isEmpty();
	}

	@Test
	void observationsShouldCarryTheOutcome() {
		pay(this.client, "\"obs\"", PAYMENT);
		pay(this.client, "\"obs\"", PAYMENT);
		pay(this.client, "\"obs\"", "{}");
		assertThat(this.observations.summaries()).containsExactly("onceonly.idempotency.key[outcome=executed]",
				"onceonly.idempotency.key[outcome=replayed]", "onceonly.idempotency.key[outcome=mismatch]");
	}

	@RestController
	static class Payments {

		private final AtomicInteger calls;

		Payments(AtomicInteger calls) {
			this.calls = calls;
		}

		@PostMapping("/payments")
		@IdempotencyKey
		Mono<ResponseEntity<Map<String, Object>>> create(@RequestBody Map<String, Object> request) {
			int n = this.calls.incrementAndGet();
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("id", "pay_" + n);
			body.put("amount", request.get("amount"));
			return Mono.just(ResponseEntity.created(URI.create("/payments/" + n)).body(body));
		}

		@PostMapping("/orders/new")
		Map<String, Object> order() {
			return Map.of("n", this.calls.incrementAndGet());
		}

		@PostMapping("/status/{code}")
		@IdempotencyKey(required = false)
		ResponseEntity<Map<String, Object>> status(@PathVariable int code) {
			return ResponseEntity.status(code).body(Map.of("code", code, "n", this.calls.incrementAndGet()));
		}

		@PostMapping("/boom")
		@IdempotencyKey
		Mono<String> boom() {
			this.calls.incrementAndGet();
			return Mono.error(new IllegalStateException("payment provider down"));
		}

	}

}
