package tech.onceonly.spring.web.reactive;

import java.util.List;

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
 * A WebFlux webhook delivery on an observed client is one observation: its lease (a
 * {@code Mono} carrying the delivery's observation in its context) and its completion or
 * release (blocking calls in the delivery's scope) get no {@code onceonly.client}
 * observation of their own, unless web client calls are asked for, in which case they are
 * nested in the delivery's.
 */
class ReactiveWebhookObservationTests {

	private final LocalOnceOnly engine = new LocalOnceOnly(new InMemoryStore());

	private final RecordedObservations observations = new RecordedObservations();

	private final ReactiveWebhookFilterTests.Hooks hooks = new ReactiveWebhookFilterTests.Hooks();

	@AfterEach
	void tearDown() {
		this.engine.close();
	}

	private WebTestClient client(OnceOnly onceOnly) {
		return ReactiveWebTestSupport.client(onceOnly, WebhookSettings.defaults(), IdempotencyKeySettings.defaults(),
				this.observations.registry(), new ReactiveWebhookFilterTests.Webhooks(this.hooks));
	}

	private static WebTestClient.ResponseSpec stripe(WebTestClient client, String id) {
		return client.post()
			.uri("/webhooks/stripe")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"id\":\"" + id + "\",\"type\":\"invoice.paid\"}")
			.exchange();
	}

	@Test
	void deliveryAndRedeliveryShouldEachBeOneObservation() {
		WebTestClient client = client(new ObservedOnceOnly(this.engine, this.observations.registry()));
		stripe(client, "evt_1").expectStatus().isOk();
		stripe(client, "evt_1").expectHeader().valueEquals("Idempotent-Replayed", "true");
		assertThat(this.observations.summaries()).containsExactly("onceonly.webhook[outcome=executed,provider=stripe]",
				"onceonly.webhook[outcome=duplicate,provider=stripe]");
		assertThat(this.hooks.runs).hasValue(1);
		assertThat(this.engine.ai().status("webhook:stripe:evt_1").status()).isEqualTo("completed");
	}

	@Test
	void releasedDeliveryShouldBeOneObservation() {
		WebTestClient client = client(new ObservedOnceOnly(this.engine, this.observations.registry()));
		for (int i = 0; i < 2; i++) {
			client.post()
				.uri("/webhooks/status/503")
				.header("X-Event-Id", "e-503")
				.exchange()
				.expectStatus()
				.isEqualTo(503);
		}
		assertThat(this.observations.summaries()).containsExactly("onceonly.webhook[outcome=failed,provider=generic]",
				"onceonly.webhook[outcome=failed,provider=generic]");
	}

	@Test
	void clientCallsOutsideADeliveryShouldBeObserved() {
		OnceOnly observed = new ObservedOnceOnly(this.engine, this.observations.registry());
		stripe(client(observed), "evt_after").expectStatus().isOk();
		observed.reactive().checkLock("after-the-delivery", java.time.Duration.ofSeconds(60), null, null).block();
		assertThat(this.observations.summaries()).containsExactly("onceonly.webhook[outcome=executed,provider=stripe]",
				"onceonly.client[backend=local,exception=none,operation=check_lock,outcome=executed]");
	}

	@Test
	void webClientCallsShouldBeNestedInTheDeliverysObservationWhenAskedFor() {
		WebTestClient client = client(
				new ObservedOnceOnly(this.engine, this.observations.registry(), null, null, true));
		stripe(client, "evt_nested").expectStatus().isOk();
		stripe(client, "evt_nested").expectHeader().valueEquals("Idempotent-Replayed", "true");
		assertThat(this.observations.summaries()).containsExactly(
				"onceonly.client[backend=local,exception=none,operation=lease,outcome=executed]",
				"onceonly.client[backend=local,exception=none,operation=complete,outcome=success]",
				"onceonly.webhook[outcome=executed,provider=stripe]",
				"onceonly.client[backend=local,exception=none,operation=lease,outcome=replayed]",
				"onceonly.webhook[outcome=duplicate,provider=stripe]");
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
