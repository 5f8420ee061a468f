package tech.onceonly.server;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bearer API keys: 401 without a token, 403 for unknown and disabled keys, and keys never
 * logged.
 */
@ServerTest
@ExtendWith(OutputCaptureExtension.class)
class ServerAuthTests {

	@LocalServerPort
	int port;

	private ApiClient client(String key) {
		return new ApiClient(this.port, key);
	}

	@Test
	void missingTokenShouldBe401() {
		ApiClient.Answer answer = client(null).post("/v1/check-lock", Map.of("key", "auth:a"));
		assertThat(answer.status()).isEqualTo(401);
		assertThat(answer.json()).isEqualTo(Map.of("detail", "Missing Authorization Bearer token"));
		assertThat(answer.header("WWW-Authenticate")).isEqualTo("Bearer");
	}

	@Test
	void otherAuthorizationSchemeShouldBe401() {
		ApiClient.Answer answer = client(null).post("/v1/check-lock", Map.of("key", "auth:a"), "Authorization",
				"Basic dXNlcjpwYXNz");
		assertThat(answer.status()).isEqualTo(401);
	}

	@Test
	void unknownKeyShouldBe403InvalidApiKey() {
		ApiClient.Answer answer = client("no-such-key").get("/v1/me");
		assertThat(answer.status()).isEqualTo(403);
		assertThat(answer.json()).isEqualTo(Map.of("detail", "Invalid API key"));
	}

	@Test
	void disabledKeyShouldBe403ApiKeyDisabled() {
		ApiClient.Answer answer = client("test-key-disabled").get("/v1/me");
		assertThat(answer.status()).isEqualTo(403);
		assertThat(answer.json()).isEqualTo(Map.of("detail", "API key disabled"));
	}

	@Test
	void validKeyShouldReachTheApiAsItsTenant() {
		ApiClient.Answer answer = client("test-key-tenant-a").get("/v1/me");
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.json()).containsEntry("tenant", "tenant-a").containsEntry("plan", "unlimited");
	}

	@Test
	void bearerSchemeShouldBeCaseInsensitive() {
		ApiClient.Answer answer = client(null).get("/v1/me");
		assertThat(answer.status()).isEqualTo(401);
		ApiClient.Answer lower = client(null).post("/v1/check-lock", Map.of("key", "auth:lower"), "Authorization",
				"bearer test-key-tenant-a");
		assertThat(lower.status()).isEqualTo(200);
	}

	@Test
	void healthShouldNotNeedAKey() {
		assertThat(client(null).get("/actuator/health").status()).isEqualTo(200);
	}

	@Test
	void keysShouldNeverBeLoggedEvenAtTraceLevel(CapturedOutput output) {
		// log levels are JVM-wide: another test's application may have reset them
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.setLogLevel("tech.onceonly", LogLevel.TRACE);
		logging.setLogLevel("org.springframework.web", LogLevel.DEBUG);
		client("test-key-tenant-a").post("/v1/check-lock", Map.of("key", "auth:log"));
		client("test-key-disabled").get("/v1/me");
		client("an-unknown-secret-key").get("/v1/me");
		client("test-key-tenant-a").post("/v1/ai/lease", Map.of("key", ""));
		assertThat(output.getAll()).isNotEmpty()
			.doesNotContain("test-key-tenant-a")
			.doesNotContain("test-key-disabled")
			.doesNotContain("an-unknown-secret-key");
	}

}
