package tech.onceonly.webguard;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.server.ApiClient;
import tech.onceonly.server.OnceOnlyServerApplication;
import tech.onceonly.spring.annotation.IdempotencyKey;
import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.annotation.WebhookProvider;
import tech.onceonly.store.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring MVC application guarded by the starter's auto-configuration, on a real Tomcat,
 * on every backend: the local engine on the in-memory store, on JDBC (PostgreSQL) and on
 * Redis, and the remote client against a real {@code onceonly-server}. A client sends an
 * {@code Idempotency-Key} request or a webhook delivery to a slow handler and disconnects
 * (cancels) while the handler runs: the handler runs on, a retry meanwhile gets 409, the
 * key is never released, and once the handler finished a retry gets the stored answer
 * (the replay, or the duplicate answer of a webhook) — the handler ran once. Fails when
 * {@code CI=true} and PostgreSQL or Redis is not configured.
 */
class DisconnectOnEveryBackendTests {

	private static ConfigurableApplicationContext server;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void startServer() {
		server = new SpringApplicationBuilder(OnceOnlyServerApplication.class).profiles("test")
			.run("--server.port=0", "--spring.main.banner-mode=off", "--logging.level.tech.onceonly=INFO",
					"--logging.level.org.springframework.web=INFO");
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/** The guarded application on {@code backend}. */
	private static ConfigurableApplicationContext guardedApp(String backend) {
		List<String> args = new ArrayList<>(List.of("--spring.config.name=guarded-app-none", "--server.port=0",
				"--spring.main.banner-mode=off", "--logging.level.tech.onceonly=INFO",
				"--management.health.redis.enabled=false", "--onceonly.fail-open=false"));
		switch (backend) {
			case "memory" -> args.addAll(List.of("--onceonly.mode=local", "--onceonly.store.type=memory",
					"--spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
							+ "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"));
			case "postgres" -> args.addAll(List.of("--onceonly.mode=local", "--onceonly.store.type=jdbc",
					"--spring.datasource.url=" + TestServices.postgresUrl(), "--spring.datasource.username=postgres",
					"--onceonly.store.jdbc.initialize-schema=always", "--onceonly.store.jdbc.table-prefix=lo_web_",
					"--spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"));
			case "redis" -> args.addAll(List.of("--onceonly.mode=local", "--onceonly.store.type=redis",
					"--spring.data.redis.url=" + TestServices.redisUrl(), "--onceonly.store.redis.key-prefix=lo-web:",
					"--spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"));
			case "remote" -> args.addAll(List.of("--onceonly.mode=remote", "--onceonly.api-key=test-key-contract",
					"--onceonly.base-url=http://localhost:" + port(server) + "/v1", "--onceonly.retry.max-retries=0",
					"--spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
							+ "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"));
			default -> throw new IllegalArgumentException(backend);
		}
		return new SpringApplicationBuilder(GuardedApp.class).run(args.toArray(String[]::new));
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "postgres", "redis", "remote" })
	void idempotencyKeyRequestWhoseClientDisconnectsShouldFinishOnceAndReplay(String backend) throws Exception {
		try (ConfigurableApplicationContext app = guardedApp(backend)) {
			SlowEndpoints endpoints = app.getBean(SlowEndpoints.class);
			int port = port(app);
			String key = "\"" + UUID.randomUUID() + "\"";
			String body = "{\"to\":\"acct_1\",\"amount\":5}";
			try (Socket client = new Socket("localhost", port)) {
				send(client, "POST /transfers HTTP/1.1\r\nHost: localhost\r\nIdempotency-Key: " + key
						+ "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
				assertThat(endpoints.transferStarted.await(20, TimeUnit.SECONDS)).as("handler started").isTrue();
			}
			// the client is gone; the handler still runs
			HttpResponse<String> meanwhile = transfer(port, key, body);
			assertThat(meanwhile.statusCode()).as(meanwhile.body()).isEqualTo(409);
			assertThat(meanwhile.headers().firstValue("Retry-After")).isPresent();
			endpoints.release.countDown();
			HttpResponse<String> replay = awaitNot409(() -> transfer(port, key, body));
			assertThat(replay.statusCode()).as(replay.body()).isEqualTo(201);
			assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
			assertThat(replay.body()).isEqualTo("{\"transfer\":1}");
			assertThat(endpoints.transfers.get()).isEqualTo(1);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "postgres", "redis", "remote" })
	void webhookDeliveryWhoseClientDisconnectsShouldFinishOnceAndBeADuplicateAfterwards(String backend)
			throws Exception {
		try (ConfigurableApplicationContext app = guardedApp(backend)) {
			SlowEndpoints endpoints = app.getBean(SlowEndpoints.class);
			int port = port(app);
			String delivery = "d-" + UUID.randomUUID();
			String body = "{\"action\":\"opened\"}";
			try (Socket client = new Socket("localhost", port)) {
				send(client, "POST /hooks/github HTTP/1.1\r\nHost: localhost\r\nX-GitHub-Delivery: " + delivery
						+ "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
				assertThat(endpoints.hookStarted.await(20, TimeUnit.SECONDS)).as("handler started").isTrue();
			}
			HttpResponse<String> meanwhile = hook(port, delivery, body);
			assertThat(meanwhile.statusCode()).as(meanwhile.body()).isEqualTo(409);
			endpoints.release.countDown();
			HttpResponse<String> redelivery = awaitNot409(() -> hook(port, delivery, body));
			assertThat(redelivery.statusCode()).as(redelivery.body()).isEqualTo(200);
			assertThat(redelivery.body()).contains("duplicate");
			assertThat(endpoints.hooks.get()).isEqualTo(1);
			if (backend.equals("remote")) {
				// the delivery was recorded by the server, not by a local fallback
				assertThat(new ApiClient(port(server), "test-key-contract")
					.get("/v1/ai/status?key=webhook:github:" + delivery)
					.json()).containsEntry("status", "completed");
			}
		}
	}

	private static void send(Socket socket, String request) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(request.getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

	private HttpResponse<String> transfer(int port, String key, String body) {
		return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/transfers"))
			.header("Idempotency-Key", key)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	private HttpResponse<String> hook(int port, String delivery, String body) {
		return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/hooks/github"))
			.header("X-GitHub-Delivery", delivery)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	private HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Retries while the first request is still being finished (409), at most 20 s. */
	private static HttpResponse<String> awaitNot409(java.util.function.Supplier<HttpResponse<String>> request)
			throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		HttpResponse<String> answer = request.get();
		while (answer.statusCode() == 409 && System.nanoTime() < deadline) {
			Thread.sleep(50);
			answer = request.get();
		}
		return answer;
	}

	/** A plain Spring MVC application with the OnceOnly starter's auto-configuration. */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(SlowEndpoints.class)
	static class GuardedApp {

	}

	/** Handlers held until the test releases them. */
	@RestController
	static class SlowEndpoints {

		final CountDownLatch transferStarted = new CountDownLatch(1);

		final CountDownLatch hookStarted = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger transfers = new AtomicInteger();

		final AtomicInteger hooks = new AtomicInteger();

		@PostMapping("/transfers")
		@IdempotencyKey
		ResponseEntity<String> transfer(@RequestBody String body) throws InterruptedException {
			int n = this.transfers.incrementAndGet();
			this.transferStarted.countDown();
			this.release.await(30, TimeUnit.SECONDS);
			return ResponseEntity.status(201).contentType(MediaType.APPLICATION_JSON).body("{\"transfer\":" + n + "}");
		}

		@PostMapping("/hooks/github")
		@IdempotentWebhook(provider = WebhookProvider.GITHUB)
		Map<String, Object> hook(@RequestBody String body) throws InterruptedException {
			this.hooks.incrementAndGet();
			this.hookStarted.countDown();
			this.release.await(30, TimeUnit.SECONDS);
			return Map.of("received", true);
		}

	}

}
