package tech.onceonly.spring.web.reactive;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.annotation.WebhookProvider;
import tech.onceonly.spring.web.RecordedObservations;
import tech.onceonly.spring.web.idempotency.IdempotencyKeySettings;
import tech.onceonly.spring.web.webhook.WebhookSettings;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code @IdempotentWebhook} on WebFlux, on the local engine and the in-memory store. */
class ReactiveWebhookFilterTests {

	private final MutableClock clock = MutableClock.startingAt2026();

	private final LocalOnceOnly onceOnly = new LocalOnceOnly(new InMemoryStore(this.clock));

	private final RecordedObservations observations = new RecordedObservations();

	private final Hooks hooks = new Hooks();

	private WebTestClient client;

	@BeforeEach
	void setUp() {
		this.client = ReactiveWebTestSupport.client(this.onceOnly, WebhookSettings.defaults(),
				IdempotencyKeySettings.defaults(), this.observations.registry(), new Webhooks(this.hooks));
	}

	@AfterEach
	void tearDown() {
		this.onceOnly.close();
	}

	private WebTestClient.ResponseSpec stripe(String id) {
		return this.client.post()
			.uri("/webhooks/stripe")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"id\":\"" + id + "\",\"type\":\"invoice.paid\"}")
			.exchange();
	}

	@Test
	void redeliveryShouldBeAnsweredWithoutRunningTheHandler() {
		stripe("evt_r1").expectStatus().isOk().expectBody(String.class).isEqualTo("handled evt_r1");
		stripe("evt_r1").expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true")
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("duplicate");
		assertThat(this.hooks.runs.get()).isEqualTo(1);
		assertThat(this.hooks.bodies).containsExactly("{\"id\":\"evt_r1\",\"type\":\"invoice.paid\"}");
		assertThat(this.onceOnly.ai().status("webhook:stripe:evt_r1").status()).isEqualTo("completed");
	}

	@Test
	void headerPresetShouldKeyTheDelivery() {
		for (int i = 0; i < 2; i++) {
			this.client.post()
				.uri("/webhooks/github")
				.header("X-GitHub-Delivery", "g-1")
				.exchange()
				.expectStatus()
				.isOk();
		}
		assertThat(this.hooks.runs.get()).isEqualTo(1);
	}

	@Test
	void spelKeyShouldReadPathVariablesAndBody() {
		for (int i = 0; i < 2; i++) {
			this.client.post()
				.uri("/webhooks/spel/acme?v=3")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"event\":{\"id\":\"e9\"}}")
				.exchange()
				.expectStatus()
				.isOk();
		}
		assertThat(this.hooks.runs.get()).isEqualTo(1);
		assertThat(this.onceOnly.ai().status("webhook:/webhooks/spel/{tenant}:acme-3-e9").status())
			.isEqualTo("completed");
	}

	@Test
	void missingIdShouldBe400ProblemDetails() {
		this.client.post()
			.uri("/webhooks/github")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType("application/problem+json")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://onceonly.tech/problems/webhook-id-missing")
			.jsonPath("$.title")
			.isEqualTo("Webhook delivery id missing")
			.jsonPath("$.status")
			.isEqualTo(400)
			.jsonPath("$.detail")
			.isNotEmpty();
		assertThat(this.hooks.runs.get()).isZero();
	}

	@Test
	void deliveryInFlightShouldGet409WithRetryAfter() {
		this.onceOnly.ai().lease("webhook:stripe:evt_busy", Duration.ofMinutes(5), null);
		stripe("evt_busy").expectStatus()
			.isEqualTo(HttpStatus.CONFLICT)
			.expectHeader()
			.exists("Retry-After")
			.expectHeader()
			.contentType("application/problem+json");
		this.clock.advance(Duration.ofMinutes(6));
		stripe("evt_busy").expectStatus().isOk().expectBody(String.class).isEqualTo("handled evt_busy");
	}

	@Test
	void handlerErrorShouldReleaseTheKeySoTheRetryRuns() {
		this.hooks.fail.set(1);
		stripe("evt_err").expectStatus().is5xxServerError();
		assertThat(this.onceOnly.ai().status("webhook:stripe:evt_err").status()).isEqualTo("released");
		stripe("evt_err").expectStatus().isOk().expectBody(String.class).isEqualTo("handled evt_err");
		assertThat(this.hooks.runs.get()).isEqualTo(2);
	}

	@Test
	void non2xxAnswerShouldReleaseTheKey() {
		this.client.post()
			.uri("/webhooks/status/503")
			.header("X-Event-Id", "s1")
			.exchange()
			.expectStatus()
			.isEqualTo(503);
		assertThat(this.onceOnly.ai().status("webhook:status:s1").status()).isEqualTo("released");
		this.client.post().uri("/webhooks/status/200").header("X-Event-Id", "s1").exchange().expectStatus().isOk();
		assertThat(this.onceOnly.ai().status("webhook:status:s1").status()).isEqualTo("completed");
	}

	@Test
	void unannotatedHandlersShouldBeUntouched() {
		this.client.post()
			.uri("/plain")
			.bodyValue("x")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.isEqualTo("plain x");
		this.client.post().uri("/missing").exchange().expectStatus().isNotFound();
		assertThat(this.observations.stopped()).isEmpty();
	}

	@Test
	void observationsShouldCarryProviderAndOutcome() {
		stripe("evt_obs");
		stripe("evt_obs");
		this.client.post().uri("/webhooks/github").exchange();
		assertThat(this.observations.summaries()).containsExactly("onceonly.webhook[outcome=executed,provider=stripe]",
				"onceonly.webhook[outcome=duplicate,provider=stripe]",
				"onceonly.webhook[outcome=rejected,provider=github]");
	}

	static final class Hooks {

		final AtomicInteger runs = new AtomicInteger();

		final AtomicInteger fail = new AtomicInteger();

		final List<String> bodies = new ArrayList<>();

	}

	@RestController
	static class Webhooks {

		private final Hooks hooks;

		Webhooks(Hooks hooks) {
			this.hooks = hooks;
		}

		@PostMapping("/webhooks/stripe")
		@IdempotentWebhook(provider = WebhookProvider.STRIPE)
		Mono<String> stripe(@RequestBody String body) {
			this.hooks.runs.incrementAndGet();
			this.hooks.bodies.add(body);
			if (this.hooks.fail.getAndDecrement() > 0) {
				return Mono.error(new IllegalStateException("database down"));
			}
			return Mono.just("handled " + body.substring(7, body.indexOf('"', 7)));
		}

		@PostMapping("/webhooks/github")
		@IdempotentWebhook(provider = WebhookProvider.GITHUB)
		Flux<String> github() {
			this.hooks.runs.incrementAndGet();
			return Flux.just("o", "k");
		}

		@PostMapping("/webhooks/spel/{tenant}")
		@IdempotentWebhook(key = "#pathVariables['tenant'] + '-' + #params['v'] + '-' + #body.event.id")
		Mono<String> spel(@PathVariable String tenant, @RequestBody String body) {
			this.hooks.runs.incrementAndGet();
			return Mono.just("ok");
		}

		@PostMapping("/webhooks/status/{code}")
		@IdempotentWebhook(header = "X-Event-Id", scope = "status")
		ResponseEntity<String> status(@PathVariable int code) {
			return ResponseEntity.status(code).body("answered " + code);
		}

		@PostMapping("/plain")
		String plain(@RequestBody String body) {
			return "plain " + body;
		}

	}

}
