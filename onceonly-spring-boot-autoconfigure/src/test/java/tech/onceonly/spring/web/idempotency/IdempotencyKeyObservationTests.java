package tech.onceonly.spring.web.idempotency;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

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
 * An Idempotency-Key request on an observed client is one observation: its lease and its
 * completion run inside the request's {@code onceonly.idempotency.key} observation and
 * get no {@code onceonly.client} observation of their own, unless web client calls are
 * asked for, in which case they are nested in the request's.
 */
class IdempotencyKeyObservationTests {

	private static final String PAYMENT = "{\"amount\":1000,\"currency\":\"eur\"}";

	private final LocalOnceOnly engine = new LocalOnceOnly(new InMemoryStore());

	private final RecordedObservations observations = new RecordedObservations();

	private final AtomicInteger calls = new AtomicInteger();

	@AfterEach
	void tearDown() {
		this.engine.close();
	}

	private MockMvc mvc(OnceOnly client) {
		IdempotencyKeySettings settings = IdempotencyKeySettings.defaults();
		return MockMvcBuilders.standaloneSetup(new IdempotencyKeyTests.Payments(this.calls))
			.addFilters(new IdempotencyKeyFilter(client, settings))
			.addInterceptors(new IdempotencyKeyInterceptor(client, settings,
					new DefaultIdempotencyKeyScopeResolver(null), this.observations.registry()))
			.build();
	}

	private static MockHttpServletRequestBuilder payment(String key) {
		return post("/payments").header("Idempotency-Key", key)
			.contentType(MediaType.APPLICATION_JSON)
			.content(PAYMENT);
	}

	@Test
	void firstRequestAndReplayShouldEachBeOneObservation() throws Exception {
		MockMvc mvc = mvc(new ObservedOnceOnly(this.engine, this.observations.registry()));
		mvc.perform(payment("\"k-1\"")).andExpect(status().isCreated());
		mvc.perform(payment("\"k-1\"")).andExpect(header().string("Idempotent-Replayed", "true"));
		assertThat(this.observations.summaries()).containsExactly("onceonly.idempotency.key[outcome=executed]",
				"onceonly.idempotency.key[outcome=replayed]");
		assertThat(this.calls).hasValue(1);
	}

	@Test
	void releasedRequestShouldBeOneObservation() throws Exception {
		MockMvc mvc = mvc(new ObservedOnceOnly(this.engine, this.observations.registry()));
		mvc.perform(post("/status/503").header("Idempotency-Key", "\"k-503\"")).andExpect(status().is(503));
		mvc.perform(post("/status/503").header("Idempotency-Key", "\"k-503\"")).andExpect(status().is(503));
		assertThat(this.observations.summaries()).containsExactly("onceonly.idempotency.key[outcome=failed]",
				"onceonly.idempotency.key[outcome=failed]");
		assertThat(this.calls).hasValue(2);
	}

	@Test
	void clientCallsAfterARequestShouldBeObservedAgain() throws Exception {
		OnceOnly client = new ObservedOnceOnly(this.engine, this.observations.registry());
		mvc(client).perform(payment("\"k-after\"")).andExpect(status().isCreated());
		// the request's scope is closed: a call of the application's own is its own
		// observation
		client.checkLock("after-the-request");
		assertThat(this.observations.summaries()).containsExactly("onceonly.idempotency.key[outcome=executed]",
				"onceonly.client[backend=local,exception=none,operation=check_lock,outcome=executed]");
		assertThat(this.observations.registry().getCurrentObservation()).isNull();
	}

	@Test
	void webClientCallsShouldBeNestedInTheRequestsObservationWhenAskedFor() throws Exception {
		MockMvc mvc = mvc(new ObservedOnceOnly(this.engine, this.observations.registry(), null, null, true));
		mvc.perform(payment("\"k-nested\"")).andExpect(status().isCreated());
		mvc.perform(payment("\"k-nested\"")).andExpect(header().string("Idempotent-Replayed", "true"));
		assertThat(this.observations.summaries()).containsExactly(
				"onceonly.client[backend=local,exception=none,operation=lease,outcome=executed]",
				"onceonly.client[backend=local,exception=none,operation=complete,outcome=success]",
				"onceonly.idempotency.key[outcome=executed]",
				"onceonly.client[backend=local,exception=none,operation=lease,outcome=replayed]",
				"onceonly.idempotency.key[outcome=replayed]");
		List<Observation.Context> stopped = this.observations.stopped();
		Observation.Context first = stopped.get(2);
		assertThat(parentContext(stopped.get(0))).isSameAs(first);
		assertThat(parentContext(stopped.get(1))).isSameAs(first);
		assertThat(parentContext(stopped.get(3))).isSameAs(stopped.get(4));
	}

	private static Object parentContext(Observation.Context context) {
		ObservationView parent = context.getParentObservation();
		assertThat(parent).isNotNull();
		return parent.getContextView();
	}

	@Test
	void unobservedClientShouldStillRecordTheRequest() throws Exception {
		mvc(this.engine).perform(payment("\"k-plain\"")).andExpect(status().isCreated());
		assertThat(this.observations.summaries()).containsExactly("onceonly.idempotency.key[outcome=executed]");
		assertThat(this.calls).hasValue(1);
	}

}
