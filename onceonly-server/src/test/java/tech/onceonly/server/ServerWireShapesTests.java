package tech.onceonly.server;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request bodies of the wire reference's cases, answered with the documented shapes.
 */
@ServerTest
class ServerWireShapesTests {

	@LocalServerPort
	int port;

	private ApiClient api;

	private String prefix;

	@BeforeEach
	void setUp() {
		this.api = new ApiClient(this.port, "test-key-tenant-a");
		this.prefix = "wire:" + UUID.randomUUID() + ":";
	}

	@Test
	void checkLockShouldAnswerLockedThenDuplicateWithHeaders() {
		String key = this.prefix + "a";
		ApiClient.Answer first = this.api.post("/v1/check-lock", Map.of("key", key, "ttl", 60), "X-Request-Id",
				"rid-" + key);
		assertThat(first.status()).isEqualTo(200);
		assertThat(first.header("X-OnceOnly-Status")).isEqualTo("locked");
		assertThat(first.header("X-Request-Id")).isEqualTo("rid-" + key);
		assertThat(first.json()).containsEntry("success", true)
			.containsEntry("status", "locked")
			.containsEntry("key", key)
			.containsEntry("ttl", 60)
			.containsEntry("first_seen_at", null);
		ApiClient.Answer second = this.api.post("/v1/check-lock", Map.of("key", key, "ttl", 60));
		assertThat(second.status()).isEqualTo(200);
		assertThat(second.header("X-OnceOnly-Status")).isEqualTo("duplicate");
		assertThat(second.header("X-Request-Id")).isNotBlank();
		assertThat(second.json()).containsEntry("success", false).containsEntry("status", "duplicate");
		assertThat((String) second.json().get("first_seen_at")).isNotBlank();
	}

	@Test
	void checkLockWithoutTtlShouldUseTheDefaultAndEchoMetadata() {
		ApiClient.Answer answer = this.api.post("/v1/check-lock",
				Map.of("key", this.prefix + "m", "metadata", Map.of("order", "o-1")));
		assertThat(answer.json()).containsEntry("ttl", 3600).containsEntry("metadata", Map.of("order", "o-1"));
	}

	@Test
	void missingKeyShouldBe422InFastApiListForm() {
		ApiClient.Answer answer = this.api.post("/v1/check-lock", Map.of("ttl", 60));
		assertThat(answer.status()).isEqualTo(422);
		assertThat(answer.firstError()).containsEntry("type", "missing")
			.containsEntry("loc", List.of("body", "key"))
			.containsEntry("msg", "Field required")
			.containsKey("input");
	}

	@Test
	void wrongTypesShouldAllBeReportedAtOnce() {
		ApiClient.Answer answer = this.api.post("/v1/check-lock", Map.of("key", 5, "ttl", "long", "metadata", 3));
		assertThat(answer.status()).isEqualTo(422);
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> items = (List<Map<String, Object>>) answer.detail();
		assertThat(items).extracting((item) -> item.get("loc"))
			.containsExactly(List.of("body", "key"), List.of("body", "ttl"), List.of("body", "metadata"));
	}

	@Test
	void engineValidationShouldBe422NamingTheField() {
		ApiClient.Answer negativeTtl = this.api.post("/v1/check-lock", Map.of("key", this.prefix + "z", "ttl", -1));
		assertThat(negativeTtl.status()).isEqualTo(422);
		assertThat(negativeTtl.firstError()).containsEntry("type", "greater_than_equal")
			.containsEntry("loc", List.of("body", "ttl"));
		ApiClient.Answer longKey = this.api.post("/v1/check-lock", Map.of("key", "k".repeat(257)));
		assertThat(longKey.status()).isEqualTo(422);
		assertThat((String) longKey.firstError().get("msg")).contains("256");
	}

	@Test
	void malformedJsonShouldBe422JsonInvalid() {
		ApiClient.Answer answer = this.api.post("/v1/check-lock", "{not json");
		assertThat(answer.status()).isEqualTo(422);
		assertThat(answer.firstError()).containsEntry("type", "json_invalid");
	}

	@Test
	void leaseShouldBeAcquiredThenPolling() {
		String key = this.prefix + "l";
		ApiClient.Answer acquired = this.api.post("/v1/ai/lease",
				Map.of("key", key, "ttl", 60, "metadata", Map.of("agent", "demo")));
		assertThat(acquired.status()).isEqualTo(200);
		assertThat(acquired.json()).containsEntry("ok", true)
			.containsEntry("status", "acquired")
			.containsEntry("key", key)
			.containsEntry("ttl", 60)
			.containsEntry("version", 1)
			.containsEntry("charged", 1)
			.containsEntry("retry_after_sec", null);
		assertThat((String) acquired.json().get("lease_id")).isNotBlank();
		ApiClient.Answer polling = this.api.post("/v1/ai/lease", Map.of("key", key, "ttl", 60));
		assertThat(polling.json()).containsEntry("status", "polling")
			.containsEntry("charged", 0)
			.containsEntry("lease_id", null);
		assertThat(((Number) polling.json().get("retry_after_sec")).intValue()).isPositive();
	}

	@Test
	void extendCompleteAndResultShouldHaveTheirShapes() {
		String key = this.prefix + "c";
		String leaseId = (String) this.api.post("/v1/ai/lease", Map.of("key", key, "ttl", 60)).json().get("lease_id");
		ApiClient.Answer status = this.api.get("/v1/ai/status?key=" + key);
		assertThat(status.json()).containsEntry("status", "in_progress").containsEntry("version", 1);
		ApiClient.Answer extended = this.api.post("/v1/ai/extend",
				Map.of("key", key, "lease_id", leaseId, "ttl", 1800));
		assertThat(extended.json()).containsEntry("ok", true)
			.containsEntry("status", "extended")
			.containsEntry("key", key)
			.containsEntry("ttl", 1800)
			.containsEntry("version", 1);
		ApiClient.Answer completed = this.api.post("/v1/ai/complete",
				Map.of("key", key, "lease_id", leaseId, "result", Map.of("charge_id", "ch_1"), "result_hash", "h1"));
		assertThat(completed.json()).containsEntry("ok", true).containsEntry("status", "completed");
		ApiClient.Answer result = this.api.get("/v1/ai/result?key=" + key);
		assertThat(result.json()).containsEntry("ok", true)
			.containsEntry("status", "completed")
			.containsEntry("key", key)
			.containsEntry("result", Map.of("charge_id", "ch_1"))
			.containsEntry("result_hash", "h1");
		assertThat(this.api.post("/v1/ai/lease", Map.of("key", key)).json()).containsEntry("status", "completed");
	}

	@Test
	void failAndCancelShouldHaveTheirShapes() {
		String failed = this.prefix + "f";
		String leaseId = (String) this.api.post("/v1/ai/lease", Map.of("key", failed)).json().get("lease_id");
		assertThat(
				this.api.post("/v1/ai/fail", Map.of("key", failed, "lease_id", leaseId, "error_code", "boom")).json())
			.containsEntry("status", "failed")
			.containsEntry("error_code", "boom");
		assertThat(this.api.get("/v1/ai/result?key=" + failed).json()).containsEntry("status", "failed")
			.containsEntry("error_code", "boom");
		String cancelled = this.prefix + "x";
		String second = (String) this.api.post("/v1/ai/lease", Map.of("key", cancelled)).json().get("lease_id");
		assertThat(
				this.api.post("/v1/ai/cancel", Map.of("key", cancelled, "lease_id", second, "reason", "retry")).json())
			.containsEntry("ok", true)
			.containsEntry("status", "released");
		assertThat(this.api.post("/v1/ai/lease", Map.of("key", cancelled)).json()).containsEntry("status", "acquired")
			.containsEntry("version", 2);
	}

	@Test
	void staleLeaseShouldBe409StaleLease() {
		String key = this.prefix + "s";
		this.api.post("/v1/ai/lease", Map.of("key", key));
		ApiClient.Answer answer = this.api.post("/v1/ai/complete", Map.of("key", key, "lease_id", "not-a-lease"));
		assertThat(answer.status()).isEqualTo(409);
		@SuppressWarnings("unchecked")
		Map<String, Object> detail = (Map<String, Object>) answer.detail();
		assertThat(detail).containsEntry("error", "stale_lease").containsKey("message");
	}

	@Test
	void statusOfUnknownKeyShouldSayNotFound() {
		assertThat(this.api.get("/v1/ai/status?key=" + this.prefix + "none").json()).containsEntry("ok", false)
			.containsEntry("status", "failed")
			.containsEntry("error_code", "not_found");
	}

	@Test
	void statusWithoutKeyShouldBe422MissingQueryField() {
		ApiClient.Answer answer = this.api.get("/v1/ai/status");
		assertThat(answer.status()).isEqualTo(422);
		assertThat(answer.firstError()).containsEntry("loc", List.of("query", "key"));
	}

	@Test
	void runWithKeyAndToolShouldBe422() {
		ApiClient.Answer answer = this.api.post("/v1/ai/run", Map.of("key", "k", "agent_id", "a", "tool", "t"));
		assertThat(answer.status()).isEqualTo(422);
		assertThat((String) answer.firstError().get("msg")).contains("not both");
	}

	@Test
	void meShouldHavePlanTenantAndNotificationFlags() {
		assertThat(this.api.get("/v1/me").json()).containsKeys("plan", "tenant", "email_notifications_enabled",
				"tool_error_notifications_enabled", "run_failure_notifications_enabled");
	}

	@Test
	void notificationsShouldEchoAllThreeFlags() {
		ApiClient.Answer answer = this.api.post("/v1/me/notifications",
				Map.of("tool_error_notifications_enabled", false));
		assertThat(answer.json()).containsEntry("tool_error_notifications_enabled", false)
			.containsKeys("email_notifications_enabled", "run_failure_notifications_enabled");
		assertThat(this.api.get("/v1/me").json()).containsEntry("tool_error_notifications_enabled", false);
		this.api.post("/v1/me/notifications", Map.of("tool_error_notifications_enabled", true));
		assertThat(this.api.post("/v1/me/notifications", Map.of()).status()).isEqualTo(422);
	}

	@Test
	void usageShouldHaveTheDocumentedShapes() {
		assertThat(this.api.get("/v1/usage?kind=make").json()).containsKeys("plan", "month", "usage", "limit",
				"requests_total_month", "blocked_total_month");
		ApiClient.Answer all = this.api.get("/v1/usage/all");
		assertThat(all.json()).containsKeys("plan", "month", "make", "ai");
		assertThat(all.header("X-OnceOnly-Plan")).isEqualTo("unlimited");
		assertThat(all.header("X-OnceOnly-Month")).matches("\\d{4}-\\d{2}");
		@SuppressWarnings("unchecked")
		Map<String, Object> make = (Map<String, Object>) all.json().get("make");
		assertThat(make).containsKeys("usage", "limit", "requests_total_month", "blocked_total_month",
				"charged_total_month", "polling_total_month");
		assertThat(this.api.get("/v1/usage?kind=other").status()).isEqualTo(422);
	}

	@Test
	void encodedPathSegmentsShouldArriveDecodedAsOneSegment() {
		ApiClient.Answer answer = this.api.get("/v1/test-echo/run%20x%2Fy");
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.json()).containsEntry("value", "run x/y");
		assertThat(this.api.get("/v1/test-echo/stripe%3Acharge").json()).containsEntry("value", "stripe:charge");
	}

	@Test
	void runTimelineWithEncodedRunIdShouldReachItsHandler() {
		this.api.post("/v1/events", Map.of("run_id", "run x/y", "type", "step"));
		ApiClient.Answer answer = this.api.get("/v1/runs/run%20x%2Fy?limit=100&offset=0");
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.json()).containsEntry("run_id", "run x/y").containsKeys("total", "events");
		assertThat(((Number) answer.json().get("total")).longValue()).isPositive();
	}

	@Test
	@SuppressWarnings("unchecked")
	void dailyMetricsShouldListEveryDayOfTheRange() {
		ApiClient.Answer answer = this.api.get("/v1/metrics?from_day=2026-03-01&to_day=2026-03-02");
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.json()).containsEntry("from_day", "2026-03-01")
			.containsEntry("to_day", "2026-03-02")
			.containsKeys("days", "totals");
		assertThat((java.util.List<Map<String, Object>>) answer.json().get("days")).extracting((day) -> day.get("day"))
			.containsExactly("2026-03-01", "2026-03-02");
		assertThat(this.api.get("/v1/metrics?from_day=2026-03-02&to_day=2026-03-01").status()).isEqualTo(422);
	}

	@Test
	void eventsShouldBeAcceptedWithExtraTopLevelFields() {
		String runId = this.prefix + "run";
		ApiClient.Answer posted = this.api.post("/v1/events", Map.of("run_id", runId, "type", "tool_result", "status",
				"ok", "data", Map.of("duration", 120), "extra_field", "x"));
		assertThat(posted.status()).isEqualTo(200);
		assertThat(posted.json()).containsEntry("ok", true).containsEntry("run_id", runId).containsKey("event_id");
		Map<String, Object> recent = this.api.get("/v1/events?limit=20&offset=0").json();
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> data = (List<Map<String, Object>>) recent.get("data");
		assertThat(data).anySatisfy((event) -> assertThat(event).containsEntry("run_id", runId)
			.containsEntry("type", "tool_result")
			.containsEntry("extra_field", "x")
			.containsEntry("data", Map.of("duration", 120))
			.containsKeys("id", "ts"));
		assertThat(this.api.post("/v1/events", Map.of("type", "x")).status()).isEqualTo(422);
	}

	@Test
	void unknownPathShouldBe404NotFound() {
		ApiClient.Answer answer = this.api.get("/v1/no-such-endpoint");
		assertThat(answer.status()).isEqualTo(404);
		assertThat(answer.json()).isEqualTo(Map.of("detail", "Not Found"));
	}

	@Test
	void logsLimitOutOfRangeShouldBe422() {
		ApiClient.Answer answer = this.api.get("/v1/agents/a%2Fb/logs?limit=501");
		assertThat(answer.status()).isEqualTo(422);
		assertThat(answer.firstError()).containsEntry("loc", List.of("query", "limit"));
	}

}
