package tech.onceonly.server;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-key rate limits (429 + Retry-After) and monthly plan quotas (402 payment_required)
 * as configured in {@code application-test.properties}: plan {@code throttled} has a
 * burst of 2, plan {@code tiny} allows 2 check-locks and 1 acquired lease a month.
 */
@ServerTest
class LimitsTests {

	@LocalServerPort
	int port;

	@Test
	void requestsOverTheBurstShouldBe429WithRetryAfter() {
		ApiClient throttled = new ApiClient(this.port, "test-key-throttled");
		ApiClient.Answer last = null;
		for (int i = 0; i < 3; i++) {
			last = throttled.get("/v1/me");
		}
		assertThat(last.status()).isEqualTo(429);
		assertThat(last.json()).isEqualTo(Map.of("detail", "Rate limit exceeded"));
		assertThat(Long.parseLong(last.header("Retry-After"))).isBetween(1L, 5L);
		assertThat(new ApiClient(this.port, "test-key-tenant-b").get("/v1/me").status()).isEqualTo(200);
	}

	@Test
	void quotasShouldAnswer402OnceUsedUpAndReportUsage() {
		ApiClient tiny = new ApiClient(this.port, "test-key-quota");
		String prefix = "quota:" + UUID.randomUUID() + ":";
		assertThat(tiny.post("/v1/check-lock", Map.of("key", prefix + "1")).status()).isEqualTo(200);
		assertThat(tiny.post("/v1/check-lock", Map.of("key", prefix + "1")).status()).isEqualTo(200);
		assertThat(tiny.post("/v1/check-lock", Map.of("key", prefix + "2")).status()).isEqualTo(200);
		ApiClient.Answer over = tiny.post("/v1/check-lock", Map.of("key", prefix + "3"));
		assertThat(over.status()).isEqualTo(402);
		assertThat(over.json()).isEqualTo(Map.of("detail", Map.of("error", "payment_required", "highlights",
				"Plan limit reached", "plan", "tiny", "limit", 2, "usage", 3, "upgrade_url", "")));
		assertThat(tiny.get("/v1/usage?kind=make").json()).containsEntry("plan", "tiny")
			.containsEntry("usage", 2)
			.containsEntry("limit", 2)
			.containsEntry("requests_total_month", 4)
			.containsEntry("blocked_total_month", 2);

		assertThat(tiny.post("/v1/ai/lease", Map.of("key", prefix + "a")).json()).containsEntry("status", "acquired");
		assertThat(tiny.post("/v1/ai/lease", Map.of("key", prefix + "a")).json()).containsEntry("status", "polling");
		ApiClient.Answer overAi = tiny.post("/v1/ai/lease", Map.of("key", prefix + "b"));
		assertThat(overAi.status()).isEqualTo(402);
		assertThat(tiny.get("/v1/ai/status?key=" + prefix + "b").json()).containsEntry("status", "failed")
			.containsEntry("lease_state", "released");
		@SuppressWarnings("unchecked")
		Map<String, Object> ai = (Map<String, Object>) tiny.get("/v1/usage/all").json().get("ai");
		assertThat(ai).containsEntry("usage", 1)
			.containsEntry("limit", 1)
			.containsEntry("requests_total_month", 3)
			.containsEntry("blocked_total_month", 1)
			.containsEntry("charged_total_month", 1)
			.containsEntry("polling_total_month", 1);
	}

	@Test
	void unlimitedPlanShouldReportNullLimit() {
		assertThat(new ApiClient(this.port, "test-key-tenant-b").get("/v1/usage?kind=ai").json()).containsEntry("limit",
				null);
	}

}
