package tech.onceonly.server.reliability;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;

import tech.onceonly.server.ApiClient;
import tech.onceonly.server.OnceOnlyServerApplication;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.StoreException;
import tech.onceonly.store.memory.InMemoryGovernanceStore;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store outage (every store call failing with {@link StoreException}, as the JDBC and
 * Redis stores do when their server is down) answers 503 with {@code Retry-After} and the
 * documented detail, logs one line per request without a stack trace or ": null", and the
 * server serves again as soon as the store is back.
 */
@SpringBootTest(classes = { OnceOnlyServerApplication.class, StoreOutageTests.OutageStores.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class StoreOutageTests {

	static final AtomicBoolean DOWN = new AtomicBoolean();

	@LocalServerPort
	int port;

	@AfterEach
	void storeBack() {
		DOWN.set(false);
	}

	private ApiClient client() {
		return new ApiClient(this.port, "test-key-tenant-a");
	}

	@Test
	void everyStoreBackedRouteShouldAnswer503WithRetryAfterDuringAnOutage(CapturedOutput output) {
		DOWN.set(true);
		Map<String, ApiClient.Answer> answers = Map.of("check-lock",
				client().post("/v1/check-lock", Map.of("key", "outage:a")), "lease",
				client().post("/v1/ai/lease", Map.of("key", "outage:b")), "status",
				client().get("/v1/ai/status?key=outage:b"), "policies", client().get("/v1/policies"), "disable",
				client().post("/v1/agents/outage-agent/disable", Map.of("reason", "test")), "events",
				client().post("/v1/events", Map.of("run_id", "outage-run", "type", "log")));
		answers.forEach((route, answer) -> {
			assertThat(answer.status()).as(route).isEqualTo(503);
			assertThat(answer.header("Retry-After")).as(route).isEqualTo("1");
			assertThat(answer.json()).as(route)
				.isEqualTo(Map.of("detail", Map.of("error", "store_unavailable", "message",
						"The store is unavailable; retry after the Retry-After delay")));
		});
		String log = output.getAll();
		List<String> lines = log.lines().filter((line) -> line.contains("Store unavailable while serving")).toList();
		assertThat(lines).hasSize(answers.size());
		assertThat(lines).anyMatch((line) -> line.contains("POST /v1/check-lock (answered 503)"));
		assertThat(lines).noneMatch((line) -> line.endsWith(": null") || line.contains(": null <-"));
		assertThat(log).doesNotContain("\tat ");
		DOWN.set(false);
		assertThat(client().post("/v1/check-lock", Map.of("key", "outage:a")).json()).containsEntry("status", "locked");
	}

	@Test
	void healthShouldStayAnsweredAsJsonDuringAnOutage() {
		DOWN.set(true);
		ApiClient.Answer health = client().withKey(null).get("/actuator/health");
		assertThat(health.status()).isIn(200, 503);
		assertThat(health.json()).containsKey("status");
	}

	private static <T> T failing(Class<T> type, T target) {
		Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (p, method, args) -> {
			if (DOWN.get() && method.getDeclaringClass() != Object.class && !method.getName().equals("type")) {
				throw new StoreException("The OnceOnly test store could not " + method.getName() + ": null",
						new ConnectException());
			}
			try {
				return method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		});
		return type.cast(proxy);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class OutageStores {

		@Bean
		OnceOnlyStore outageStore() {
			return failing(OnceOnlyStore.class, new InMemoryStore());
		}

		@Bean
		GovernanceStore outageGovernanceStore() {
			return failing(GovernanceStore.class, new InMemoryGovernanceStore(java.time.Clock.systemUTC()));
		}

	}

}
