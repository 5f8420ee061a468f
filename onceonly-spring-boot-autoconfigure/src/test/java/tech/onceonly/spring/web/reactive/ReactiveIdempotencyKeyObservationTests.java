package tech.onceonly.spring.web.reactive;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.observation.ObservedOnceOnly;
import tech.onceonly.spring.web.RecordedObservations;
import tech.onceonly.spring.web.idempotency.IdempotencyKeySettings;
import tech.onceonly.spring.web.webhook.WebhookSettings;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebFlux Idempotency-Key request on an observed client is one observation, as on
 * Spring MVC: its lease (a {@code Mono} carrying the request's observation in its
 * context) and its completion or release (blocking calls in the request's scope) get no
 * {@code onceonly.client} observation of their own, unless web client calls are asked
 * for, in which case they are nested in the request's.
 */
class ReactiveIdempotencyKeyObservationTests {

	private static final String PAYMENT = "{\"amount\":100}";

	private final LocalOnceOnly engine = new LocalOnceOnly(new InMemoryStore());

	private final RecordedObservations observations = new RecordedObservations();

	private final AtomicInteger calls = new AtomicInteger();

	@AfterEach
	void tearDown() {
		this.engine.close();
	}

	private WebTestClient client(OnceOnly onceOnly) {
		return ReactiveWebTestSupport.client(onceOnly, WebhookSettings.defaults(), IdempotencyKeySettings.defaults(),
				this.observations.registry(), new ReactiveIdempotencyKeyFilterTests.Payments(this.calls));
	}

	private static WebTestClient.ResponseSpec pay(WebTestClient client, String key) {
		return client.post()
			.uri("/payments")
			.header("Idempotency-Key", key)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(PAYMENT)
			.exchange();
	}

	@Test
	void firstRequestAndReplayShouldEachBeOneObservation() {
		WebTestClient client = client(new ObservedOnceOnly(this.engine, this.observations.registry()));
		pay(client, "\"k-1\"").expectStatus().isCreated();
		pay(client, "\"k-1\"").expectStatus().isCreated().expectHeader().valueEquals("Idempotent-Replayed", "true");
		assertThat(this.observations.summaries()).containsExactly("onceonly.idempotency.key[outcome=executed]",
				"onceonly.idempotency.key[outcome=replayed]");
		assertThat(this.calls).hasValue(1);
	}

	@Test
	void releasedRequestShouldBeOneObservation() {
		WebTestClient client = client(new ObservedOnceOnly(this.engine, this.observations.registry()));
		for (int i = 0; i < 2; i++) {
			client.post()
				.uri("/status/500")
				.header("Idempotency-Key", "\"k-500\"")
				.exchange()
				.expectStatus()
				.isEqualTo(500);
		}
		assertThat(this.observations.summaries()).containsExactly("onceonly.idempotency.key[outcome=failed]",
				"onceonly.idempotency.key[outcome=failed]");
		assertThat(this.calls).hasValue(2);
	}

	@Test
	void clientCallsOutsideARequestShouldBeObserved() {
		OnceOnly observed = new ObservedOnceOnly(this.engine, this.observations.registry());
		pay(client(observed), "\"k-after\"").expectStatus().isCreated();
		observed.reactive().checkLock("after-the-request", Duration.ofSeconds(60), null, null).block();
		assertThat(this.observations.summaries()).containsExactly("onceonly.idempotency.key[outcome=executed]",
				"onceonly.client[backend=local,exception=none,operation=check_lock,outcome=executed]");
	}

	@Test
	void webClientCallsShouldBeNestedInTheRequestsObservationWhenAskedFor() {
		WebTestClient client = client(
				new ObservedOnceOnly(this.engine, this.observations.registry(), null, null, true));
		pay(client, "\"k-nested\"").expectStatus().isCreated();
		pay(client, "\"k-nested\"").expectHeader().valueEquals("Idempotent-Replayed", "true");
		assertThat(this.observations.summaries()).containsExactly(
				"onceonly.client[backend=local,exception=none,operation=lease,outcome=executed]",
				"onceonly.client[backend=local,exception=none,operation=complete,outcome=success]",
				"onceonly.idempotency.key[outcome=executed]",
				"onceonly.client[backend=local,exception=none,operation=lease,outcome=replayed]",
				"onceonly.idempotency.key[outcome=replayed]");
		List<Observation.Context> stopped = this.observations.stopped();
		assertThat(parentContext(stopped.get(0))).isSameAs(stopped.get(2));
		assertThat(parentContext(stopped.get(1))).isSameAs(stopped.get(2));
		assertThat(parentContext(stopped.get(3))).isSameAs(stopped.get(4));
	}

	private static Object parentContext(Observation.Context context) {
		ObservationView parent = context.getParentObservation();
		assertThat(parent).isNotNull();
		return parent.getContextView();
	}

}
