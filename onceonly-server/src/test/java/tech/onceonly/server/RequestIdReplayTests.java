package tech.onceonly.server;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A repeated X-Request-Id gets the first answer, so a retry after a lost response is
 * safe.
 */
@ServerTest
class RequestIdReplayTests {

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
	void repeatedCheckLockShouldGetTheFirstAnswerNotADuplicate() {
		String rid = "rid-" + this.key;
		ApiClient.Answer first = this.a.post("/v1/check-lock", Map.of("key", this.key), "X-Request-Id", rid);
		ApiClient.Answer retry = this.a.post("/v1/check-lock", Map.of("key", this.key), "X-Request-Id", rid);
		assertThat(first.json()).containsEntry("status", "locked");
		assertThat(retry.status()).isEqualTo(first.status());
		assertThat(retry.text()).isEqualTo(first.text());
		assertThat(retry.header("X-OnceOnly-Status")).isEqualTo("locked");
		assertThat(retry.header("X-Request-Id")).isEqualTo(rid);
		assertThat(retry.header("X-OnceOnly-Replayed")).isEqualTo("true");
		assertThat(first.header("X-OnceOnly-Replayed")).isNull();
		ApiClient.Answer other = this.a.post("/v1/check-lock", Map.of("key", this.key), "X-Request-Id", rid + "-2");
		assertThat(other.json()).containsEntry("status", "duplicate");
	}

	@Test
	void repeatedLeaseShouldGetTheSameLeaseId() {
		String rid = "rid-" + this.key;
		ApiClient.Answer first = this.a.post("/v1/ai/lease", Map.of("key", this.key), "X-Request-Id", rid);
		ApiClient.Answer retry = this.a.post("/v1/ai/lease", Map.of("key", this.key), "X-Request-Id", rid);
		assertThat(retry.json()).containsEntry("status", "acquired")
			.containsEntry("lease_id", first.json().get("lease_id"));
	}

	@Test
	void sameIdWithAnotherBodyShouldBe422() {
		String rid = "rid-" + this.key;
		this.a.post("/v1/check-lock", Map.of("key", this.key), "X-Request-Id", rid);
		ApiClient.Answer answer = this.a.post("/v1/check-lock", Map.of("key", this.key + "-other"), "X-Request-Id",
				rid);
		assertThat(answer.status()).isEqualTo(422);
		assertThat((String) answer.firstError().get("msg")).contains("X-Request-Id");
	}

	@Test
	void sameIdFromAnotherTenantShouldNotGetTheFirstTenantsAnswer() {
		String rid = "rid-" + this.key;
		this.a.post("/v1/check-lock", Map.of("key", this.key, "metadata", Map.of("t", "a")), "X-Request-Id", rid);
		ApiClient b = new ApiClient(this.port, "test-key-tenant-b");
		ApiClient.Answer answer = b.post("/v1/check-lock", Map.of("key", this.key, "metadata", Map.of("t", "a")),
				"X-Request-Id", rid);
		assertThat(answer.header("X-OnceOnly-Replayed")).isNull();
		assertThat(answer.json()).containsEntry("status", "locked");
	}

	@Test
	void errorAnswersBelow500ShouldAlsoBeReplayed() {
		String rid = "rid-" + this.key;
		ApiClient.Answer first = this.a.post("/v1/ai/complete", Map.of("key", this.key, "lease_id", "nope"),
				"X-Request-Id", rid);
		ApiClient.Answer retry = this.a.post("/v1/ai/complete", Map.of("key", this.key, "lease_id", "nope"),
				"X-Request-Id", rid);
		assertThat(first.status()).isEqualTo(409);
		assertThat(retry.status()).isEqualTo(409);
		assertThat(retry.header("X-OnceOnly-Replayed")).isEqualTo("true");
	}

}
