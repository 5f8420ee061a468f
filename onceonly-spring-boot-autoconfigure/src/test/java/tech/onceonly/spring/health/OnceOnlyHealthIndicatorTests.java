package tech.onceonly.spring.health;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import tech.onceonly.client.DelegatingOnceOnly;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.ReactiveOnceOnly;
import tech.onceonly.client.UnauthorizedException;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.observation.ObservedOnceOnly;
import tech.onceonly.spring.observation.StubOnceOnly;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.StoreException;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;

/** The onceonly health indicator on the local engine and on a stub remote client. */
class OnceOnlyHealthIndicatorTests {

	private static final String API_KEY = "once_live_supersecret";

	@Test
	void localEngineShouldBeUpWithBackendAndStoreType() {
		try (LocalOnceOnly engine = new LocalOnceOnly(new InMemoryStore())) {
			Health health = new OnceOnlyHealthIndicator(engine, Duration.ofSeconds(2), null).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails())
				.containsExactlyInAnyOrderEntriesOf(Map.of("backend", "local", "store", "memory"));
		}
	}

	@Test
	void localEngineBehindTheObservationDecoratorShouldStillBeRecognised() {
		try (LocalOnceOnly engine = new LocalOnceOnly(new InMemoryStore())) {
			OnceOnly observed = new ObservedOnceOnly(engine, ObservationRegistry.create());
			Health health = new OnceOnlyHealthIndicator(observed, Duration.ofSeconds(2), null).health();
			assertThat(health.getDetails()).containsEntry("backend", "local");
		}
	}

	@Test
	void localEngineBehindAUserDecoratorShouldBeProbedThroughItsBackend() {
		try (LocalOnceOnly engine = new LocalOnceOnly(new InMemoryStore())) {
			OnceOnly decorated = (OnceOnly) Proxy.newProxyInstance(getClass().getClassLoader(),
					new Class<?>[] { DelegatingOnceOnly.class }, (proxy, method, args) -> {
						if (method.getName().equals("delegate")) {
							return engine;
						}
						if (method.isDefault()) {
							return InvocationHandler.invokeDefault(proxy, method, args);
						}
						return method.invoke(engine, args);
					});
			Health health = new OnceOnlyHealthIndicator(decorated, Duration.ofSeconds(2), null).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails())
				.containsExactlyInAnyOrderEntriesOf(Map.of("backend", "local", "store", "memory"));
		}
	}

	@Test
	void failingStoreShouldBeDownWithTheErrorTypeOnly() {
		OnceOnlyStore broken = (OnceOnlyStore) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { OnceOnlyStore.class }, (proxy, method, args) -> {
					if (method.getName().equals("type")) {
						return "jdbc";
					}
					throw new StoreException("connection to jdbc:postgresql://db?password=hunter2 refused");
				});
		try (LocalOnceOnly engine = new LocalOnceOnly(broken)) {
			Health health = new OnceOnlyHealthIndicator(engine, Duration.ofSeconds(2), null).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("store", "jdbc").containsEntry("error", "StoreException");
			assertThat(health.getDetails().toString()).doesNotContain("hunter2");
		}
	}

	@Test
	void aStoreThatFailsAfterTheTimeoutShouldBeDownWithoutADroppedErrorReport() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch failed = new CountDownLatch(1);
		OnceOnlyStore slow = (OnceOnlyStore) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { OnceOnlyStore.class }, (proxy, method, args) -> {
					if (method.getName().equals("type")) {
						return "jdbc";
					}
					try {
						release.await(10, TimeUnit.SECONDS);
						throw new StoreException("connection refused");
					}
					finally {
						failed.countDown();
					}
				});
		List<Throwable> dropped = new CopyOnWriteArrayList<>();
		Hooks.onErrorDropped(dropped::add);
		try (LocalOnceOnly engine = new LocalOnceOnly(slow)) {
			Health health = new OnceOnlyHealthIndicator(engine, Duration.ofMillis(50), null).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("error", "TimeoutException");
			release.countDown();
			assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
			// the late failure must not travel as a dropped error signal
			Schedulers.boundedElastic().schedule(() -> {
			}).dispose();
			assertThat(dropped).isEmpty();
		}
		finally {
			Hooks.resetOnErrorDropped();
		}
	}

	@Test
	void aStoreProbeFailureShouldBeDownWithTheErrorType() {
		OnceOnlyStore broken = (OnceOnlyStore) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { OnceOnlyStore.class }, (proxy, method, args) -> {
					if (method.getName().equals("type")) {
						return "redis";
					}
					throw new StoreException("refused");
				});
		try (LocalOnceOnly engine = new LocalOnceOnly(broken)) {
			Health health = new OnceOnlyHealthIndicator(engine, Duration.ofSeconds(2), null).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("error", "StoreException").doesNotContainKey("timeout");
		}
	}

	@Test
	void remoteShouldBeUpWithHostAndPlanButNoCredentials() {
		OnceOnly remote = new StubOnceOnly().on("me", (args) -> Map.of("plan", "pro", "api_key", API_KEY)).build();
		Health health = new OnceOnlyHealthIndicator(remote, Duration.ofSeconds(2),
				"https://user:" + API_KEY + "@api.example.com:8443/v1?token=" + API_KEY)
			.health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsExactlyInAnyOrderEntriesOf(
				Map.of("backend", "remote", "host", "api.example.com:8443", "plan", "pro"));
	}

	@Test
	void remoteFailureShouldBeDownWithTheErrorTypeAndNeverTheKey() {
		OnceOnly remote = new StubOnceOnly().on("me", (args) -> {
			throw new UnauthorizedException("invalid api key " + API_KEY);
		}).build();
		Health health = new OnceOnlyHealthIndicator(remote, Duration.ofSeconds(2), "https://api.onceonly.tech/v1")
			.health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("error", "UnauthorizedException")
			.containsEntry("host", "api.onceonly.tech");
		assertThat(health.getDetails().toString()).doesNotContain(API_KEY);
	}

	@Test
	void remoteThatDoesNotAnswerShouldBeDownAfterTheTimeout() {
		ReactiveOnceOnly silent = (ReactiveOnceOnly) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { ReactiveOnceOnly.class }, (proxy, method, args) -> Mono.never());
		OnceOnly remote = new StubOnceOnly().reactive(silent).build();
		Health health = new OnceOnlyHealthIndicator(remote, Duration.ofMillis(50), null).health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("error", "TimeoutException");
	}

	@Test
	void hostOfShouldDropUserInfoPathAndQuery() {
		assertThat(OnceOnlyHealthIndicator.hostOf("https://u:p@h.example/v1?k=v")).isEqualTo("h.example");
		assertThat(OnceOnlyHealthIndicator.hostOf("not a url")).isNull();
		assertThat(OnceOnlyHealthIndicator.hostOf(null)).isNull();
	}

}
