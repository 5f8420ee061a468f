package tech.onceonly.server;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code onceonly.server.duplicate-status-code=409}, a check-lock duplicate is a 409
 * "Duplicate blocked".
 */
@ServerTest
@TestPropertySource(properties = "onceonly.server.duplicate-status-code=409")
class DuplicateConflictModeTests {

	@LocalServerPort
	int port;

	@Test
	void duplicateShouldBe409DuplicateBlockedWithFirstSeenAt() {
		ApiClient api = new ApiClient(this.port, "test-key-tenant-a");
		String key = "dup409:" + UUID.randomUUID();
		ApiClient.Answer first = api.post("/v1/check-lock", Map.of("key", key, "ttl", 60));
		assertThat(first.status()).isEqualTo(200);
		ApiClient.Answer second = api.post("/v1/check-lock", Map.of("key", key, "ttl", 60), "X-Request-Id", "r-409");
		assertThat(second.status()).isEqualTo(409);
		assertThat(second.header("X-OnceOnly-Status")).isEqualTo("duplicate");
		assertThat(second.header("X-Request-Id")).isEqualTo("r-409");
		@SuppressWarnings("unchecked")
		Map<String, Object> detail = (Map<String, Object>) second.detail();
		assertThat(detail).containsEntry("error", "Duplicate blocked");
		assertThat((String) detail.get("first_seen_at")).isNotBlank();
	}

}
