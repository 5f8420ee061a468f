package tech.onceonly.server.reliability;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import tech.onceonly.server.ApiClient;
import tech.onceonly.server.OnceOnlyServerApplication;
import tech.onceonly.store.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Governance limits across two server instances sharing one store (PostgreSQL, then
 * Redis): 16 client threads spread over both instances call a registered loopback tool in
 * tool mode of {@code /v1/ai/run} for three agents, each with one limit — actions per
 * hour, spend per day, calls per tool. Across both instances each limit allows exactly
 * its number of calls, the tool is reached exactly that many times, and every other call
 * is blocked with the limit's reason. Fails when {@code CI=true} and the store is not
 * configured.
 */
class TwoInstancesGovernanceTests {

	private static final int THREADS = 16;

	private static final int CALLS_PER_THREAD = 3;

	private HttpServer tool;

	private final Map<String, AtomicInteger> toolHits = new ConcurrentHashMap<>();

	@BeforeEach
	void startTool() throws IOException {
		this.tool = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.tool.setExecutor(Executors.newFixedThreadPool(8));
		this.tool.createContext("/tool", (exchange) -> {
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			int at = body.indexOf("\"agent\":\"");
			String agent = (at < 0) ? "?" : body.substring(at + 9, body.indexOf('"', at + 9));
			this.toolHits.computeIfAbsent(agent, (x) -> new AtomicInteger()).incrementAndGet();
			byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, answer.length);
			exchange.getResponseBody().write(answer);
			exchange.close();
		});
		this.tool.start();
	}

	@AfterEach
	void stopTool() {
		this.tool.stop(0);
	}

	@Test
	void limitsShouldHoldExactlyAcrossTwoInstancesOnPostgres() throws Exception {
		String url = TestServices.postgresUrl();
		limitsHold("postgres", "--spring.datasource.url=" + url, "--spring.datasource.username=postgres",
				"--onceonly.store.jdbc.table-prefix=lo_gov_");
	}

	@Test
	void limitsShouldHoldExactlyAcrossTwoInstancesOnRedis() throws Exception {
		String url = TestServices.redisUrl();
		limitsHold("redis", "--spring.data.redis.url=" + url, "--onceonly.store.redis.key-prefix=lo-gov:");
	}

	private ConfigurableApplicationContext start(String profile, String... args) {
		List<String> all = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off",
				"--logging.level.tech.onceonly=INFO", "--logging.level.org.springframework.web=INFO",
				"--onceonly.server.tool-url-allow-list=127.0.0.1/32"));
		all.addAll(List.of(args));
		return new SpringApplicationBuilder(OnceOnlyServerApplication.class).profiles("test", profile)
			.run(all.toArray(String[]::new));
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private void limitsHold(String profile, String... args) throws Exception {
		try (ConfigurableApplicationContext one = start(profile, args);
				ConfigurableApplicationContext two = start(profile, args)) {
			List<ApiClient> clients = List.of(new ApiClient(port(one), "test-key-tenant-a"),
					new ApiClient(port(two), "test-key-tenant-a"));
			String run = UUID.randomUUID().toString().substring(0, 8);
			String toolName = "gov_tool_" + run;
			ApiClient.Answer created = clients.get(0)
				.post("/v1/tools", Map.of("name", toolName, "url",
						"http://127.0.0.1:" + this.tool.getAddress().getPort() + "/tool", "max_retries", 0,
						"timeout_ms", 5000, "auth", Map.of("type", "hmac_sha256", "secret", "gov-tool-secret")));
			assertThat(created.status()).as(created.text()).isEqualTo(200);

			String rateAgent = "gov-rate-" + run;
			String budgetAgent = "gov-budget-" + run;
			String quotaAgent = "gov-quota-" + run;
			policy(clients.get(0), rateAgent, Map.of("max_actions_per_hour", 12));
			policy(clients.get(1), budgetAgent, Map.of("max_spend_usd_per_day", 1.00));
			policy(clients.get(0), quotaAgent, Map.of("max_calls_per_tool", Map.of(toolName, 7)));

			Map<String, List<Map<String, Object>>> answers = new ConcurrentHashMap<>();
			ExecutorService pool = Executors.newFixedThreadPool(THREADS);
			CountDownLatch go = new CountDownLatch(1);
			List<Future<?>> tasks = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				ApiClient client = clients.get(t % 2);
				int thread = t;
				tasks.add(pool.submit(() -> {
					go.await();
					for (int i = 0; i < CALLS_PER_THREAD; i++) {
						for (String agent : List.of(rateAgent, budgetAgent, quotaAgent)) {
							Map<String, Object> request = new java.util.HashMap<>(Map.of("agent_id", agent, "tool",
									toolName, "args", Map.of("agent", agent, "call", thread + "-" + i)));
							if (agent.equals(budgetAgent)) {
								request.put("spend_usd", new BigDecimal("0.25"));
							}
							ApiClient.Answer answer = client.post("/v1/ai/run", request);
							assertThat(answer.status()).as(answer.text()).isEqualTo(200);
							answers
								.computeIfAbsent(agent,
										(x) -> java.util.Collections.synchronizedList(new ArrayList<>()))
								.add(answer.json());
						}
					}
					return null;
				}));
			}
			go.countDown();
			for (Future<?> task : tasks) {
				task.get(180, TimeUnit.SECONDS);
			}
			pool.shutdown();

			assertLimit(answers.get(rateAgent), rateAgent, 12, "max_actions_per_hour_exceeded");
			assertLimit(answers.get(budgetAgent), budgetAgent, 4, "max_spend_usd_per_day_exceeded");
			assertLimit(answers.get(quotaAgent), quotaAgent, 7, "max_calls_per_tool_exceeded");

			// the counters both instances read agree with what was allowed
			for (ApiClient client : clients) {
				Map<String, Object> metrics = client.get("/v1/agents/" + budgetAgent + "/metrics?period=day").json();
				assertThat(new BigDecimal(String.valueOf(metrics.get("total_spend_usd"))))
					.isEqualByComparingTo(new BigDecimal("1.00"));
			}
		}
	}

	private void assertLimit(List<Map<String, Object>> answers, String agent, int limit, String reason) {
		assertThat(answers).hasSize(THREADS * CALLS_PER_THREAD);
		List<Map<String, Object>> allowed = answers.stream()
			.filter((answer) -> Boolean.TRUE.equals(answer.get("allowed")))
			.toList();
		assertThat(allowed).as("allowed calls of %s", agent).hasSize(limit);
		assertThat(allowed).allSatisfy((answer) -> assertThat(answer).containsEntry("decision", "executed"));
		assertThat(answers.stream().filter((answer) -> !Boolean.TRUE.equals(answer.get("allowed"))))
			.as("blocked calls of %s", agent)
			.hasSize(answers.size() - limit)
			.allSatisfy((answer) -> assertThat(answer).containsEntry("policy_reason", reason));
		assertThat(this.toolHits.getOrDefault(agent, new AtomicInteger()).get()).as("tool calls of %s", agent)
			.isEqualTo(limit);
	}

	private static void policy(ApiClient client, String agent, Map<String, Object> policy) {
		ApiClient.Answer answer = client.post("/v1/policies/" + agent, policy);
		assertThat(answer.status()).as(answer.text()).isEqualTo(200);
	}

}
