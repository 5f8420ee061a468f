package tech.onceonly.spring.web.reactive;

import java.time.Duration;
import java.util.Iterator;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.annotation.IdempotencyKey;
import tech.onceonly.spring.web.Polling;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyRules;
import tech.onceonly.spring.web.idempotency.IdempotencyKeySettings;
import tech.onceonly.spring.web.webhook.WebhookSettings;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebFlux capture stops at the storage cap: a guarded response that grows past it reaches
 * the client as it is produced and is stored without its body.
 */
class ReactiveResponseCaptureTests {

	private static final String CHUNK = "a".repeat(100);

	private final LocalOnceOnly onceOnly = new LocalOnceOnly(new InMemoryStore(MutableClock.startingAt2026()));

	private final Chunks chunks = new Chunks();

	private final WebTestClient client = ReactiveWebTestSupport.client(this.onceOnly, WebhookSettings.defaults(),
			IdempotencyKeySettings.defaults().withMaxStoredBodyBytes(16), ObservationRegistry.NOOP, this.chunks);

	@AfterEach
	void tearDown() {
		this.onceOnly.close();
	}

	@Test
	void guardedStreamOverTheCapShouldReachTheClientBeforeItEndsAndNotBeStored() {
		this.chunks.sink.tryEmitNext(CHUNK + "\n");
		FluxExchangeResult<String> result = this.client.post()
			.uri("/chunks")
			.header("Idempotency-Key", "\"k-chunks\"")
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class);
		// the first chunk arrives while the handler is still producing
		Iterator<String> received = result.getResponseBody().toIterable().iterator();
		assertThat(received.next()).isEqualTo(CHUNK);
		this.chunks.sink.tryEmitNext(CHUNK + "\n");
		this.chunks.sink.tryEmitComplete();
		assertThat(received.next()).isEqualTo(CHUNK);
		assertThat(received.hasNext()).isFalse();
		String key = new IdempotencyKeyRules(IdempotencyKeySettings.defaults())
			.storageKey(IdempotencyKeyRules.scope(null, null), "POST", "/chunks", "k-chunks");
		Polling.await("the key to complete", Duration.ofSeconds(10),
				() -> "completed".equals(this.onceOnly.ai().status(key).status()));
		this.client.post()
			.uri("/chunks")
			.header("Idempotency-Key", "\"k-chunks\"")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true")
			.expectBody()
			.isEmpty();
		assertThat(this.chunks.calls).isEqualTo(1);
	}

	@RestController
	static class Chunks {

		final Sinks.Many<String> sink = Sinks.many().unicast().onBackpressureBuffer();

		volatile int calls;

		@PostMapping(path = "/chunks", produces = MediaType.TEXT_PLAIN_VALUE)
		@IdempotencyKey(required = false)
		Flux<String> chunks() {
			this.calls++;
			return this.sink.asFlux();
		}

	}

}
