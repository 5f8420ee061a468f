package tech.onceonly.spring.observation;

import java.time.Duration;

import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tech.onceonly.client.AiRun;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.StaleLeaseException;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Blocking calls made while a OnceOnly web observation is current belong to that request
 * and get no {@code onceonly.client} observation of their own (unless asked for); any
 * other current observation is their parent, as before.
 */
class ObservedOnceOnlyWebScopeTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ObservationRegistry observations = ObservationRegistry.create();

	private final LocalOnceOnly engine = new LocalOnceOnly(new InMemoryStore());

	ObservedOnceOnlyWebScopeTests() {
		this.observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.meters));
	}

	@AfterEach
	void close() {
		this.engine.close();
	}

	private long clientTimers() {
		return this.meters.find("onceonly.client").timers().stream().mapToLong((timer) -> timer.count()).sum();
	}

	private void inside(String observationName, Runnable calls) {
		Observation request = Observation.start(observationName, this.observations);
		try (Observation.Scope scope = request.openScope()) {
			calls.run();
		}
		finally {
			request.stop();
		}
	}

	private void leaseAndComplete(OnceOnly client, String key) {
		AiRun lease = client.ai().lease(key, Duration.ofMinutes(1), null);
		client.ai().complete(key, String.valueOf(lease.leaseId()), java.util.Map.of("ok", true), null);
	}

	@Test
	void callsInsideAnIdempotencyKeyOrWebhookObservationShouldNotBeObservedAgain() {
		OnceOnly client = new ObservedOnceOnly(this.engine, this.observations);
		inside("onceonly.idempotency.key", () -> leaseAndComplete(client, "k-1"));
		inside("onceonly.webhook", () -> leaseAndComplete(client, "k-2"));
		assertThat(clientTimers()).isZero();
		assertThat(this.meters.find("onceonly.idempotency.key").timer().count()).isOne();
		assertThat(this.engine.ai().status("k-1").leaseStatus().isTerminal()).isTrue();
	}

	@Test
	void failingCallsInsideAWebObservationShouldStillThrowAsTheyAre() {
		OnceOnly client = new ObservedOnceOnly(this.engine, this.observations);
		inside("onceonly.idempotency.key", () -> {
			client.ai().lease("k-stale", Duration.ofMinutes(1), null);
			assertThatExceptionOfType(StaleLeaseException.class)
				.isThrownBy(() -> client.ai().complete("k-stale", "not-the-lease", java.util.Map.of(), null));
		});
		assertThat(clientTimers()).isZero();
	}

	@Test
	void callsInsideAnyOtherObservationShouldBeNestedInIt() {
		OnceOnly client = new ObservedOnceOnly(this.engine, this.observations);
		inside("http.server.requests", () -> leaseAndComplete(client, "k-3"));
		assertThat(clientTimers()).isEqualTo(2);
	}

	@Test
	void callsInsideAWebObservationShouldBeObservedWhenAskedFor() {
		OnceOnly client = new ObservedOnceOnly(this.engine, this.observations, null, null, true);
		inside("onceonly.idempotency.key", () -> leaseAndComplete(client, "k-4"));
		assertThat(this.meters.find("onceonly.client").tag("operation", "lease").timer().count()).isOne();
		assertThat(this.meters.find("onceonly.client").tag("operation", "complete").timer().count()).isOne();
	}

	@Test
	void callsAfterTheWebObservationsScopeShouldBeObservedAgain() {
		OnceOnly client = new ObservedOnceOnly(this.engine, this.observations);
		inside("onceonly.idempotency.key", () -> client.checkLock("inside"));
		client.checkLock("outside");
		assertThat(clientTimers()).isOne();
	}

}
