package tech.onceonly.spring.web.webhook;

import java.util.List;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.observation.ObservedOnceOnly;
import tech.onceonly.spring.web.RecordedObservations;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A webhook delivery on an observed client is one observation: its lease and its
 * completion (or release) run inside the delivery's {@code onceonly.webhook} observation
 * and get no {@code onceonly.client} observation of their own, unless web client calls
 * are asked for, in which case they are nested in the delivery's.
 */
class WebhookObservationTests {

	private final LocalOnceOnly engine = new LocalOnceOnly(new InMemoryStore());

	private final RecordedObservations observations = new RecordedObservations();

	private final WebhookIdempotencyInterceptorTests.Hooks hooks = new WebhookIdempotencyInterceptorTests.Hooks();

	@AfterEach
	void tearDown() {
		this.engine.close();
	}

	private MockMvc mvc(OnceOnly client) {
		WebhookSettings settings = WebhookSettings.defaults();
		return MockMvcBuilders.standaloneSetup(new WebhookIdempotencyInterceptorTests.Webhooks(this.hooks))
			.addFilters(new WebhookBodyCachingFilter(settings.maxBodyBytes()))
			.addInterceptors(new WebhookIdempotencyInterceptor(client, settings, this.observations.registry()))
			.build();
	}

	private static MockHttpServletRequestBuilder stripe(String id) {
		return post("/webhooks/stripe").contentType(MediaType.APPLICATION_JSON)
			.content("{\"id\":\"" + id + "\",\"type\":\"invoice.paid\"}");
	}

	@Test
	void deliveryAndRedeliveryShouldEachBeOneObservation() throws Exception {
		MockMvc mvc = mvc(new ObservedOnceOnly(this.engine, this.observations.registry()));
		mvc.perform(stripe("evt_1")).andExpect(status().isOk());
		mvc.perform(stripe("evt_1")).andExpect(header().string("Idempotent-Replayed", "true"));
		assertThat(this.observations.summaries()).containsExactly("onceonly.webhook[outcome=executed,provider=stripe]",
				"onceonly.webhook[outcome=duplicate,provider=stripe]");
		assertThat(this.hooks.stripe).hasValue(1);
		assertThat(this.engine.ai().status("webhook:stripe:evt_1").status()).isEqualTo("completed");
	}

	@Test
	void releasedDeliveryShouldBeOneObservationAndItsRetryRunTheHandler() throws Exception {
		MockMvc mvc = mvc(new ObservedOnceOnly(this.engine, this.observations.registry()));
		mvc.perform(post("/webhooks/status/503").header("X-Event-Id", "e-503")).andExpect(status().is(503));
		mvc.perform(post("/webhooks/status/503").header("X-Event-Id", "e-503")).andExpect(status().is(503));
		// released, not completed: each retry ran the handler, and the release was
		// covered
		// by the delivery's observation
		assertThat(this.observations.summaries()).containsExactly("onceonly.webhook[outcome=failed,provider=generic]",
				"onceonly.webhook[outcome=failed,provider=generic]");
	}

	@Test
	void clientCallsAfterADeliveryShouldBeObservedAgain() throws Exception {
		OnceOnly client = new ObservedOnceOnly(this.engine, this.observations.registry());
		mvc(client).perform(stripe("evt_after")).andExpect(status().isOk());
		client.checkLock("after-the-delivery");
		assertThat(this.observations.summaries()).containsExactly("onceonly.webhook[outcome=executed,provider=stripe]",
				"onceonly.client[backend=local,exception=none,operation=check_lock,outcome=executed]");
		assertThat(this.observations.registry().getCurrentObservation()).isNull();
	}

	@Test
	void webClientCallsShouldBeNestedInTheDeliverysObservationWhenAskedFor() throws Exception {
		MockMvc mvc = mvc(new ObservedOnceOnly(this.engine, this.observations.registry(), null, null, true));
		mvc.perform(stripe("evt_nested")).andExpect(status().isOk());
		mvc.perform(stripe("evt_nested")).andExpect(header().string("Idempotent-Replayed", "true"));
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

	@Test
	void unobservedClientShouldStillRecordTheDelivery() throws Exception {
		mvc(this.engine).perform(stripe("evt_plain")).andExpect(status().isOk());
		assertThat(this.observations.summaries()).containsExactly("onceonly.webhook[outcome=executed,provider=stripe]");
		assertThat(this.hooks.stripe).hasValue(1);
	}

	static Object parentContext(Observation.Context context) {
		ObservationView parent = context.getParentObservation();
		assertThat(parent).isNotNull();
		return parent.getContextView();
	}

}
