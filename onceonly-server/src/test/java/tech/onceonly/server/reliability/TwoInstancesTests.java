package tech.onceonly.server.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import tech.onceonly.server.ApiClient;
import tech.onceonly.server.OnceOnlyServerApplication;
import tech.onceonly.store.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two server instances on one store (PostgreSQL, then Redis), 16 client threads spread
 * over both racing for the same keys: every check-lock key gets exactly one
 * {@code locked}, every lease key exactly one {@code acquired}, and a kill switch set
 * through one instance holds on the other. Fails when {@code CI=true} and the store is
 * not configured.
 */
class TwoInstancesTests {

	private static final int THREADS = 16;

	private static final int KEYS = 40;

	@Test
	void twoInstancesOnPostgresShouldGiveOneLockPerKey() throws Exception {
		String url = TestServices.postgresUrl();
		race("postgres", "--spring.datasource.url=" + url, "--spring.datasource.username=postgres");
	}

	@Test
	void twoInstancesOnRedisShouldGiveOneLockPerKey() throws Exception {
		String url = TestServices.redisUrl();
		race("redis", "--spring.data.redis.url=" + url);
	}

	private static ConfigurableApplicationContext start(String profile, String... args) {
		List<String> all = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off",
				"--logging.level.tech.onceonly=INFO", "--logging.level.org.springframework.web=INFO"));
		all.addAll(List.of(args));
		return new SpringApplicationBuilder(OnceOnlyServerApplication.class).profiles("test", profile)
			.run(all.toArray(String[]::new));
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private void race(String profile, String... args) throws Exception {
		try (ConfigurableApplicationContext one = start(profile, args);
				ConfigurableApplicationContext two = start(profile, args)) {
			List<ApiClient> clients = List.of(new ApiClient(port(one), "test-key-tenant-a"),
					new ApiClient(port(two), "test-key-tenant-a"));
			String run = UUID.randomUUID().toString();
			Map<String, AtomicInteger> locked = new ConcurrentHashMap<>();
			Map<String, AtomicInteger> acquired = new ConcurrentHashMap<>();
			ExecutorService pool = Executors.newFixedThreadPool(THREADS);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> tasks = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				ApiClient client = clients.get(t % 2);
				tasks.add(pool.submit(() -> {
					start.await();
					for (int k = 0; k < KEYS; k++) {
						String lockKey = "two:" + run + ":lock:" + k;
						ApiClient.Answer lock = client.post("/v1/check-lock", Map.of("key", lockKey, "ttl", 300));
						assertThat(lock.status()).isEqualTo(200);
						if ("locked".equals(lock.json().get("status"))) {
							locked.computeIfAbsent(lockKey, (x) -> new AtomicInteger()).incrementAndGet();
						}
						String leaseKey = "two:" + run + ":lease:" + k;
						ApiClient.Answer lease = client.post("/v1/ai/lease", Map.of("key", leaseKey, "ttl", 300));
						assertThat(lease.status()).isEqualTo(200);
						if ("acquired".equals(lease.json().get("status"))) {
							acquired.computeIfAbsent(leaseKey, (x) -> new AtomicInteger()).incrementAndGet();
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> task : tasks) {
				task.get(120, TimeUnit.SECONDS);
			}
			pool.shutdown();
			assertThat(locked).hasSize(KEYS);
			assertThat(locked.values()).allSatisfy((count) -> assertThat(count.get()).isEqualTo(1));
			assertThat(acquired).hasSize(KEYS);
			assertThat(acquired.values()).allSatisfy((count) -> assertThat(count.get()).isEqualTo(1));
			String agent = "two-agent-" + run.substring(0, 8);
			assertThat(clients.get(0).post("/v1/agents/" + agent + "/disable", Map.of("reason", "test")).status())
				.isEqualTo(200);
			assertThat(clients.get(1).get("/v1/policies").status()).isEqualTo(200);
			ApiClient.Answer call = clients.get(1)
				.post("/v1/ai/run", Map.of("agent_id", agent, "tool", "any-tool", "args", Map.of()));
			assertThat(call.json()).containsEntry("allowed", false);
		}
	}

}
