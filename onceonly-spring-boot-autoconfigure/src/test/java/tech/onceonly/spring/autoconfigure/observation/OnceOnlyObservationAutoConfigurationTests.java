package tech.onceonly.spring.autoconfigure.observation;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import org.springframework.boot.health.contributor.Status;

import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.actuate.OnceOnlyEndpoint;
import tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration;
import tech.onceonly.spring.autoconfigure.actuate.OnceOnlyEndpointAutoConfiguration;
import tech.onceonly.spring.autoconfigure.health.OnceOnlyHealthContributorAutoConfiguration;
import tech.onceonly.spring.health.OnceOnlyHealthIndicator;
import tech.onceonly.client.DelegatingOnceOnly;
import tech.onceonly.spring.observation.LeaseEventMeters;
import tech.onceonly.spring.observation.ObservedOnceOnly;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the OnceOnly client bean is decorated with observations, and when it is left
 * alone.
 */
class OnceOnlyObservationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OnceOnlyObservationAutoConfiguration.class))
		.withUserConfiguration(ClientConfiguration.class);

	@Test
	void clientShouldBeDecoratedWhenAnObservationRegistryExists() {
		this.runner.withUserConfiguration(RegistryConfiguration.class).run((context) -> {
			OnceOnly client = context.getBean(OnceOnly.class);
			assertThat(client).isInstanceOf(ObservedOnceOnly.class);
			assertThat(((DelegatingOnceOnly) client).delegate()).isInstanceOf(LocalOnceOnly.class);
			client.checkLock("k");
			assertThat(context.getBean(TestObservationRegistry.class)).hasObservationWithNameEqualTo("onceonly.client");
		});
	}

	@Test
	void decoratedClientShouldStillBeClosedWithTheContext() {
		AtomicBoolean closed = new AtomicBoolean();
		this.runner.withUserConfiguration(RegistryConfiguration.class)
			.withBean("closeableClient", OnceOnly.class, () -> closeableClient(closed))
			.run((context) -> {
				assertThat(context.getBeansOfType(OnceOnly.class).values())
					.allSatisfy((client) -> assertThat(client).isInstanceOf(ObservedOnceOnly.class));
				assertThat(closed).isFalse();
			});
		assertThat(closed).isTrue();
	}

	private static OnceOnly closeableClient(AtomicBoolean closed) {
		return (OnceOnly) Proxy.newProxyInstance(OnceOnlyObservationAutoConfigurationTests.class.getClassLoader(),
				new Class<?>[] { OnceOnly.class, AutoCloseable.class }, (proxy, method, args) -> {
					if (method.getName().equals("close")) {
						closed.set(true);
						return null;
					}
					if (method.getName().equals("hashCode")) {
						return System.identityHashCode(proxy);
					}
					if (method.getName().equals("equals")) {
						return proxy == args[0];
					}
					return (method.getName().equals("toString")) ? "closeable client" : null;
				});
	}

	@Test
	void callsOfAnIdempotencyKeyRequestShouldBeLeftToItsObservationByDefault() {
		this.runner.withUserConfiguration(RegistryConfiguration.class).run((context) -> {
			OnceOnly client = context.getBean(OnceOnly.class);
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			insideIdempotencyKeyRequest(registry, () -> client.checkLock("k"));
			assertThat(registry).hasNumberOfObservationsWithNameEqualTo("onceonly.client", 0);
		});
	}

	@Test
	void callsOfAnIdempotencyKeyRequestShouldBeObservedWhenWebClientCallsAreOn() {
		this.runner.withUserConfiguration(RegistryConfiguration.class)
			.withPropertyValues("onceonly.observability.web-client-calls=true")
			.run((context) -> {
				OnceOnly client = context.getBean(OnceOnly.class);
				TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
				insideIdempotencyKeyRequest(registry, () -> client.checkLock("k"));
				assertThat(registry).hasObservationWithNameEqualTo("onceonly.client");
			});
	}

	private static void insideIdempotencyKeyRequest(ObservationRegistry registry, Runnable calls) {
		io.micrometer.observation.Observation request = io.micrometer.observation.Observation
			.start("onceonly.idempotency.key", registry);
		try (io.micrometer.observation.Observation.Scope scope = request.openScope()) {
			calls.run();
		}
		finally {
			request.stop();
		}
	}

	@Test
	void clientShouldNotBeDecoratedWithoutAnObservationRegistry() {
		this.runner.run((context) -> assertThat(context.getBean(OnceOnly.class)).isInstanceOf(LocalOnceOnly.class));
	}

	@Test
	void clientShouldNotBeDecoratedWhenObservabilityIsDisabled() {
		this.runner.withUserConfiguration(RegistryConfiguration.class)
			.withPropertyValues("onceonly.observability.enabled=false")
			.run((context) -> {
				assertThat(context.getBean(OnceOnly.class)).isInstanceOf(LocalOnceOnly.class);
				assertThat(context).doesNotHaveBean(ObservedOnceOnlyBeanPostProcessor.class);
			});
	}

	@Test
	void autoConfigurationShouldBackOffWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader(ObservationRegistry.class, MeterRegistry.class))
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(ObservedOnceOnlyBeanPostProcessor.class);
				assertThat(context.getBean(OnceOnly.class)).isInstanceOf(LocalOnceOnly.class);
			});
	}

	@Test
	void bootsObservationAndMetricsAutoConfigurationShouldRecordTimersAndCounters() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					OnceOnlyObservationAutoConfiguration.class))
			.withUserConfiguration(ClientConfiguration.class)
			.withPropertyValues("onceonly.observability.agent-tag.enabled=true",
					"onceonly.observability.agent-tag.max-agents=3")
			.run((context) -> {
				OnceOnly client = context.getBean(OnceOnly.class);
				assertThat(client).isInstanceOf(ObservedOnceOnly.class);
				client.ai().runFn("report", () -> "r", RunFnOptions.defaults());
				client.ai().runFn("report", () -> "r", RunFnOptions.defaults());
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("onceonly.client")
					.tags("operation", "run_fn", "outcome", "executed")
					.timer()
					.count()).isEqualTo(1);
				assertThat(meters.get("onceonly.client")
					.tags("operation", "run_fn", "outcome", "replayed")
					.timer()
					.count()).isEqualTo(1);
				assertThat(context.getBean(OnceOnlyObservabilityProperties.class).getAgentTag().getMaxAgents())
					.isEqualTo(3);
			});
	}

	@Test
	void clientOfTheMainAutoConfigurationShouldBeDecoratedAndCheckedByHealthAndEndpoint() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(OnceOnlyAutoConfiguration.class, ObservationAutoConfiguration.class,
							MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
							SimpleMetricsExportAutoConfiguration.class, OnceOnlyObservationAutoConfiguration.class,
							OnceOnlyHealthContributorAutoConfiguration.class, OnceOnlyEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=onceonly")
			.run((context) -> {
				OnceOnly client = context.getBean(OnceOnly.class);
				assertThat(client).isInstanceOf(ObservedOnceOnly.class);
				assertThat(((DelegatingOnceOnly) client).delegate()).isInstanceOf(LocalOnceOnly.class);
				client.checkLock("k");
				assertThat(context.getBean(MeterRegistry.class)
					.get("onceonly.client")
					.tags("operation", "check_lock", "backend", "local")
					.timer()
					.count()).isEqualTo(1);
				assertThat(context.getBean(OnceOnlyHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
				assertThat(context.getBean(OnceOnlyEndpoint.class).summary().backend()).isEqualTo("local");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class ClientConfiguration {

		@Bean(destroyMethod = "close")
		LocalOnceOnly onceOnly() {
			return new LocalOnceOnly(new InMemoryStore());
		}

	}

	@Test
	void leaseEventsShouldBeLoggedAndCountedWhenAMeterRegistryExists() {
		this.runner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			LeaseEvents events = context.getBean(LeaseEvents.class);
			events.leaseLost("webhook", "evt_1");
			assertThat(context.getBean(MeterRegistry.class).get(LeaseEventMeters.LOST).counter().count()).isEqualTo(1);
		});
	}

	@Test
	void leaseEventsShouldBeLeftToTheDefaultWithoutAMeterRegistry() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(LeaseEvents.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class RegistryConfiguration {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

	}

}
