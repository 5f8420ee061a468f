package tech.onceonly.server.reliability;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import tech.onceonly.server.ApiClient;
import tech.onceonly.server.OnceOnlyServerApplication;
import tech.onceonly.store.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server instance killed with SIGKILL mid-load, on PostgreSQL and on Redis: one
 * instance runs in the test JVM, the other in its own JVM on the same store; 8 client
 * threads spread over both lease a key, run their side effect once it is acquired, and
 * complete it. The second JVM is killed while they run; a client whose instance stops
 * answering carries on against the survivor with the same key and, once it holds one, the
 * same lease id (a lease acquired through the dead instance whose answer was lost is
 * polled until it expires, then taken over). At the end every key's side effect ran
 * exactly once, every completion answered 200 is read back from the survivor, and the
 * survivor never answered a 5xx. Fails when {@code CI=true} and the store is not
 * configured.
 */
class KillOneInstanceTests {

	private static final int THREADS = 8;

	private static final int KEYS_PER_THREAD = 30;

	private static final int LEASE_TTL_SECONDS = 4;

	@TempDir
	File logs;

	@Test
	void killingOneOfTwoInstancesOnPostgresShouldLoseNoCompletedWorkAndDuplicateNone() throws Exception {
		String url = TestServices.postgresUrl();
		killMidLoad("postgres", "--spring.datasource.url=" + url, "--spring.datasource.username=postgres",
				"--onceonly.store.jdbc.table-prefix=lo_kill_");
	}

	@Test
	void killingOneOfTwoInstancesOnRedisShouldLoseNoCompletedWorkAndDuplicateNone() throws Exception {
		String url = TestServices.redisUrl();
		killMidLoad("redis", "--spring.data.redis.url=" + url, "--onceonly.store.redis.key-prefix=lo-kill:");
	}

	@Test
	void keyedRunOfAKilledInstanceShouldBeTakenOverBySurvivorOnPostgres() throws Exception {
		String url = TestServices.postgresUrl();
		String[] store = { "--spring.datasource.url=" + url, "--spring.datasource.username=postgres",
				"--onceonly.store.jdbc.table-prefix=lo_kill_", "--onceonly.server.tool-url-allow-list=127.0.0.1/32" };
		CountDownLatch firstCall = new CountDownLatch(1);
		CountDownLatch hang = new CountDownLatch(1);
		AtomicInteger toolCalls = new AtomicInteger();
		HttpServer tool = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		tool.setExecutor(Executors.newFixedThreadPool(4));
		tool.createContext("/tool", (exchange) -> {
			exchange.getRequestBody().readAllBytes();
			if (toolCalls.incrementAndGet() == 1) {
				// the first call hangs inside the instance that gets killed
				firstCall.countDown();
				try {
					hang.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			byte[] answer = "{\"shipped\":true}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			try {
				exchange.sendResponseHeaders(200, answer.length);
				exchange.getResponseBody().write(answer);
			}
			catch (IOException ex) {
				// the caller died
			}
			exchange.close();
		});
		tool.start();
		int portB = freePort();
		Process other = startOtherJvm(portB, "postgres", store);
		List<String> args = arguments(store);
		args.add("--server.port=0");
		try (ConfigurableApplicationContext one = new SpringApplicationBuilder(OnceOnlyServerApplication.class)
			.profiles("test", "postgres")
			.run(args.toArray(String[]::new))) {
			ApiClient survivor = new ApiClient(((WebServerApplicationContext) one).getWebServer().getPort(),
					"test-key-tenant-a");
			ApiClient victim = new ApiClient(portB, "test-key-tenant-a");
			awaitHealthy(victim, other);
			String run = UUID.randomUUID().toString().substring(0, 8);
			String toolName = "kill_tool_" + run;
			assertThat(survivor.post("/v1/tools",
					Map.of("name", toolName, "url", "http://127.0.0.1:" + tool.getAddress().getPort() + "/tool",
							"max_retries", 0, "timeout_ms", 30000, "auth",
							Map.of("type", "hmac_sha256", "secret", "kill-tool-secret")))
				.status()).isEqualTo(200);
			String key = "kill-run:" + run;
			Map<String, Object> request = Map.of("key", key, "ttl", LEASE_TTL_SECONDS, "metadata", Map.of("agent_id",
					"kill-agent-" + run, "actions", List.of(Map.of("tool", toolName, "args", Map.of("parcel", run)))));
			assertThat(victim.post("/v1/ai/run", request).json()).containsEntry("status", "acquired");
			assertThat(firstCall.await(60, TimeUnit.SECONDS)).as("the run reached the tool").isTrue();
			other.destroyForcibly();
			assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(other.exitValue()).as("killed by SIGKILL").isEqualTo(137);
			hang.countDown();

			// the dead instance's run stays in progress until its lease expires, then the
			// survivor takes the run over and runs it to its end
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			List<Object> answers = new ArrayList<>();
			Object status = null;
			while (!"acquired".equals(status) && System.nanoTime() < deadline) {
				ApiClient.Answer answer = survivor.post("/v1/ai/run", request);
				assertThat(answer.status()).as(answer.text()).isEqualTo(200);
				status = answer.json().get("status");
				answers.add(status);
				if (!"acquired".equals(status)) {
					Thread.sleep(250);
				}
			}
			assertThat(status).as("answers while the dead instance held the run: %s", answers).isEqualTo("acquired");
			assertThat(answers.get(0)).as("the run was still held right after the kill").isNotEqualTo("acquired");
			Map<String, Object> result = Map.of();
			while (System.nanoTime() < deadline) {
				result = survivor.get("/v1/ai/result?key=" + key).json();
				if ("completed".equals(result.get("status"))) {
					break;
				}
				Thread.sleep(250);
			}
			assertThat(result).containsEntry("status", "completed");
			// the interrupted call may have had its effect: the step runs again (at least
			// once)
			assertThat(toolCalls.get()).isEqualTo(2);
		}
		finally {
			other.destroyForcibly();
			hang.countDown();
			tool.stop(0);
		}
	}

	private static List<String> arguments(String... store) {
		List<String> all = new ArrayList<>(List.of("--spring.main.banner-mode=off",
				"--logging.level.tech.onceonly=INFO", "--logging.level.org.springframework.web=INFO"));
		all.addAll(List.of(store));
		return all;
	}

	private Process startOtherJvm(int port, String profile, String... store) throws IOException {
		String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		List<String> command = new ArrayList<>(
				List.of(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"),
						"-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx256m", "-cp", classpath,
						OnceOnlyServerApplication.class.getName(), "--spring.profiles.active=test," + profile,
						"--server.port=" + port));
		command.addAll(arguments(store));
		Files.createDirectories(this.logs.toPath());
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(new File(this.logs, "instance-b.log"))
			.start();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private void killMidLoad(String profile, String... store) throws Exception {
		int portB = freePort();
		Process other = startOtherJvm(portB, profile, store);
		List<String> args = arguments(store);
		args.add("--server.port=0");
		try (ConfigurableApplicationContext one = new SpringApplicationBuilder(OnceOnlyServerApplication.class)
			.profiles("test", profile)
			.run(args.toArray(String[]::new))) {
			ApiClient survivor = new ApiClient(((WebServerApplicationContext) one).getWebServer().getPort(),
					"test-key-tenant-a");
			ApiClient victim = new ApiClient(portB, "test-key-tenant-a");
			awaitHealthy(victim, other);

			String run = UUID.randomUUID().toString().substring(0, 8);
			Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
			Map<String, Map<String, Object>> completed = new ConcurrentHashMap<>();
			List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
			AtomicInteger takeovers = new AtomicInteger();
			AtomicInteger failovers = new AtomicInteger();
			ExecutorService pool = Executors.newFixedThreadPool(THREADS);
			CountDownLatch go = new CountDownLatch(1);
			List<Future<?>> tasks = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int thread = t;
				tasks.add(pool.submit(() -> {
					go.await();
					boolean victimAlive = true;
					for (int i = 0; i < KEYS_PER_THREAD; i++) {
						String key = "kill:" + run + ":" + thread + ":" + i;
						Client client = new Client(((thread + i) % 2 == 0 && victimAlive) ? victim : survivor, survivor,
								problems, failovers);
						String leaseId = null;
						boolean polled = false;
						long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
						while (leaseId == null && System.nanoTime() < deadline) {
							ApiClient.Answer lease = client.post("/v1/ai/lease",
									Map.of("key", key, "ttl", LEASE_TTL_SECONDS));
							if (lease == null) {
								continue;
							}
							Object status = lease.json().get("status");
							if ("acquired".equals(status)) {
								leaseId = (String) lease.json().get("lease_id");
							}
							else if ("polling".equals(status) || "in_progress".equals(status)) {
								polled = true;
								Thread.sleep(200);
							}
							else {
								problems.add(key + ": lease answered " + lease.text());
								break;
							}
						}
						if (leaseId == null) {
							problems.add(key + ": never acquired");
							continue;
						}
						if (polled) {
							takeovers.incrementAndGet();
						}
						// the side effect, once per acquired lease
						effects.computeIfAbsent(key, (x) -> new AtomicInteger()).incrementAndGet();
						Map<String, Object> result = Map.of("by", thread, "key", key);
						ApiClient.Answer done = null;
						for (int attempt = 0; done == null && attempt < 10; attempt++) {
							done = client.post("/v1/ai/complete",
									Map.of("key", key, "lease_id", leaseId, "result", result));
						}
						if (done == null) {
							problems.add(key + ": complete never answered");
						}
						else if (done.status() == 200 || (done.status() == 409
								&& result.equals(survivor.get("/v1/ai/result?key=" + key).json().get("result")))) {
							// a 409 after a completion whose answer was lost with the
							// dead instance:
							// read back, the result is the caller's own
							completed.put(key, result);
						}
						else {
							problems.add(key + ": complete answered " + done.status() + " " + done.text());
						}
						victimAlive = victimAlive && !client.failedOver;
					}
					return null;
				}));
			}
			go.countDown();
			// kill the other instance once a third of the work is completed
			long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
			while (completed.size() < THREADS * KEYS_PER_THREAD / 3 && System.nanoTime() < until) {
				Thread.sleep(20);
			}
			int completedAtKill = completed.size();
			other.destroyForcibly();
			assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(other.exitValue()).as("killed by SIGKILL").isEqualTo(137);
			for (Future<?> task : tasks) {
				task.get(300, TimeUnit.SECONDS);
			}
			pool.shutdown();

			assertThat(completedAtKill).as("killed mid-load").isBetween(1, THREADS * KEYS_PER_THREAD - 1);
			assertThat(failovers.get()).as("clients that lost their instance").isPositive();
			assertThat(problems).isEmpty();
			assertThat(effects).hasSize(THREADS * KEYS_PER_THREAD);
			assertThat(effects.entrySet())
				.allSatisfy((effect) -> assertThat(effect.getValue().get()).as(effect.getKey()).isEqualTo(1));
			assertThat(completed).hasSize(THREADS * KEYS_PER_THREAD);
			completed.forEach((key, result) -> {
				Map<String, Object> stored = survivor.get("/v1/ai/result?key=" + key).json();
				assertThat(stored).as(key).containsEntry("status", "completed").containsEntry("result", result);
			});
			System.out.printf("kill -9 mid-load (%s): %d completed before the kill, %d failovers, %d takeovers%n",
					profile, completedAtKill, failovers.get(), takeovers.get());
		}
		finally {
			other.destroyForcibly();
		}
	}

	private void awaitHealthy(ApiClient victim, Process other) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (System.nanoTime() < deadline) {
			assertThat(other.isAlive()).as("second instance alive; see %s", this.logs).isTrue();
			try {
				if (victim.get("/actuator/health").status() == 200) {
					return;
				}
			}
			catch (IllegalStateException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		throw new AssertionError("second instance did not start; see " + this.logs);
	}

	/**
	 * A client that moves to the survivor for good when its instance stops answering;
	 * {@code null} for a request that failed in transport (retried by the caller).
	 */
	private static final class Client {

		ApiClient current;

		boolean failedOver;

		private final ApiClient survivor;

		private final List<String> problems;

		private final AtomicInteger failovers;

		Client(ApiClient current, ApiClient survivor, List<String> problems, AtomicInteger failovers) {
			this.current = current;
			this.survivor = survivor;
			this.problems = problems;
			this.failovers = failovers;
		}

		ApiClient.Answer post(String path, Map<String, Object> body) {
			try {
				ApiClient.Answer answer = this.current.post(path, body);
				if (answer.status() >= 500) {
					this.problems.add(path + " answered " + answer.status() + " " + answer.text());
				}
				return answer;
			}
			catch (IllegalStateException ex) {
				if (this.current == this.survivor) {
					this.problems.add(path + " failed on the survivor: " + ex);
				}
				else {
					this.failovers.incrementAndGet();
					this.failedOver = true;
				}
				this.current = this.survivor;
				return null;
			}
		}

	}

}
