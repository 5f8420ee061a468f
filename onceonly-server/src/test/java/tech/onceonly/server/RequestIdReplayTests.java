package tech.onceonly.server;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A retry that carries the same {@code X-OnceOnly-Retry-Token} and body gets the first
 * answer, so a retry after a lost response is safe; a reused {@code X-Request-Id} is
 * never replayed (issue 17, item 5): an SDK caller gets what the hosted API answers.
 */
@ServerTest
class RequestIdReplayTests {

	private static final String TOKEN = "X-OnceOnly-Retry-Token";

	@LocalServerPort
	int port;

	private ApiClient a;

	private String key;

	@BeforeEach
	void setUp() {
		this.a = new ApiClient(this.port, "test-key-tenant-a");
		this.key = "replay:" + UUID.randomUUID();
	}

	@Test
	void reusedRequestIdShouldNotBeReplayedSoTheRepeatIsADuplicate() {
		String rid = "rid-" + this.key;
		ApiClient.Answer first = this.a.post("/v1/check-lock", Map.of("key", this.key), "X-Request-Id", rid);
		ApiClient.Answer repeat = this.a.post("/v1/check-lock", Map.of("key", this.key), "X-Request-Id", rid);
		assertThat(first.json()).containsEntry("status", "locked");
		assertThat(repeat.status()).isEqualTo(200);
		assertThat(repeat.json()).containsEntry("status", "duplicate");
		assertThat(repeat.header("X-OnceOnly-Status")).isEqualTo("duplicate");
		assertThat(repeat.header("X-Request-Id")).isEqualTo(rid);
		assertThat(repeat.header("X-OnceOnly-Replayed")).isNull();
		assertThat(first.header("X-OnceOnly-Replay")).isNull();
	}

	@Test
	void reusedRequestIdOnAnotherKeyShouldBeAnsweredNormally() {
		String rid = "rid-" + this.key;
		this.a.post("/v1/check-lock", Map.of("key", this.key), "X-Request-Id", rid);
		ApiClient.Answer other = this.a.post("/v1/check-lock", Map.of("key", this.key + "-other"), "X-Request-Id", rid);
		assertThat(other.status()).isEqualTo(200);
		assertThat(other.json()).containsEntry("status", "locked");
	}

	@Test
	void retryWithTheSameTokenShouldGetTheFirstAnswerNotADuplicate() {
		String token = UUID.randomUUID().toString();
		ApiClient.Answer first = this.a.post("/v1/check-lock", Map.of("key", this.key), TOKEN, token, "X-Request-Id",
				"r1");
		ApiClient.Answer retry = this.a.post("/v1/check-lock", Map.of("key", this.key), TOKEN, token, "X-Request-Id",
				"r1");
		assertThat(first.json()).containsEntry("status", "locked");
		assertThat(first.header("X-OnceOnly-Replay")).isEqualTo("stored");
		assertThat(first.header("X-OnceOnly-Replayed")).isNull();
		assertThat(retry.json()).containsEntry("status", "locked");
		assertThat(retry.header("X-OnceOnly-Status")).isEqualTo("locked");
		assertThat(retry.header("X-OnceOnly-Replayed")).isEqualTo("true");
		ApiClient.Answer otherCall = this.a.post("/v1/check-lock", Map.of("key", this.key), TOKEN,
				UUID.randomUUID().toString());
		assertThat(otherCall.json()).containsEntry("status", "duplicate");
	}

	@Test
	void retryOfALeaseShouldGetTheSameLeaseId() {
		String token = UUID.randomUUID().toString();
		ApiClient.Answer first = this.a.post("/v1/ai/lease", Map.of("key", this.key), TOKEN, token);
		ApiClient.Answer retry = this.a.post("/v1/ai/lease", Map.of("key", this.key), TOKEN, token);
		assertThat(retry.json()).containsEntry("status", "acquired")
			.containsEntry("lease_id", first.json().get("lease_id"));
	}

	@Test
	void sameTokenWithAnotherBodyIsNotARetryAndShouldRunAsANewRequest() {
		String token = UUID.randomUUID().toString();
		this.a.post("/v1/check-lock", Map.of("key", this.key), TOKEN, token);
		ApiClient.Answer other = this.a.post("/v1/check-lock", Map.of("key", this.key + "-other"), TOKEN, token);
		assertThat(other.status()).isEqualTo(200);
		assertThat(other.json()).containsEntry("status", "locked").containsEntry("key", this.key + "-other");
		assertThat(other.header("X-OnceOnly-Replayed")).isNull();
		ApiClient.Answer same = this.a.post("/v1/check-lock", Map.of("key", this.key), TOKEN, token);
		assertThat(same.header("X-OnceOnly-Replayed")).isEqualTo("true");
	}

	@Test
	void sameTokenFromAnotherTenantShouldNotGetTheFirstTenantsAnswer() {
		String token = UUID.randomUUID().toString();
		this.a.post("/v1/check-lock", Map.of("key", this.key, "metadata", Map.of("t", "a")), TOKEN, token);
		ApiClient.Answer answer = new ApiClient(this.port, "test-key-tenant-b").post("/v1/check-lock",
				Map.of("key", this.key, "metadata", Map.of("t", "a")), TOKEN, token);
		assertThat(answer.header("X-OnceOnly-Replayed")).isNull();
		assertThat(answer.json()).containsEntry("status", "locked");
	}

	@Test
	void errorAnswersBelow500ShouldAlsoBeReplayed() {
		String token = UUID.randomUUID().toString();
		ApiClient.Answer first = this.a.post("/v1/ai/complete", Map.of("key", this.key, "lease_id", "nope"), TOKEN,
				token);
		ApiClient.Answer retry = this.a.post("/v1/ai/complete", Map.of("key", this.key, "lease_id", "nope"), TOKEN,
				token);
		assertThat(first.status()).isEqualTo(409);
		assertThat(retry.status()).isEqualTo(409);
		assertThat(retry.header("X-OnceOnly-Replayed")).isEqualTo("true");
	}

}
