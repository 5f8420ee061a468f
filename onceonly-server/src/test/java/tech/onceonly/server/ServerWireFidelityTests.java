package tech.onceonly.server;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests the official SDKs send that the hosted API accepts, answered as the hosted API
 * answers them (issue 17): money with float noise, ttls above the maximum, fractional
 * event times, long Unicode keys, duplicates that are not charged, usage in lease
 * answers, extend without ttl and the status vocabulary of waiters.
 */
@ServerTest
class ServerWireFidelityTests {

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	private ApiClient api;

	private String prefix;

	@BeforeEach
	void setUp() {
		this.api = new ApiClient(this.port, "test-key-tenant-a");
		this.prefix = "fidelity:" + UUID.randomUUID() + ":";
	}

	@Test
	void policyMoneyWithFloatNoiseShouldBeRoundedToMicroDollars() {
		String agent = "agent-" + UUID.randomUUID();
		ApiClient.Answer answer = this.api.post("/v1/policies/" + agent,
				"{\"agent_id\":\"" + agent + "\",\"max_spend_usd_per_day\":0.30000000000000004,"
						+ "\"pricing_rules\":[{\"tool\":\"t\",\"price_usd\":1.0000004999}]}");
		assertThat(answer.status()).isEqualTo(200);
		@SuppressWarnings("unchecked")
		Map<String, Object> policy = (Map<String, Object>) answer.json().get("policy");
		assertThat(new BigDecimal(policy.get("max_spend_usd_per_day").toString())).isEqualByComparingTo("0.3");
		assertThat(policy.get("pricing_rules").toString()).contains("price_usd=1");
		ApiClient.Answer template = this.api.post("/v1/policies/" + agent + "/from-template", "{\"agent_id\":\"" + agent
				+ "\",\"template\":\"moderate\"," + "\"overrides\":{\"max_spend_usd_per_day\":0.30000000000000004}}");
		assertThat(template.status()).isEqualTo(200);
	}

	@Test
	void toolRunWithTinySpendShouldBeAcceptedAndRounded() {
		String agent = "agent-" + UUID.randomUUID();
		this.api.post("/v1/policies/" + agent, Map.of("blocked_tools", java.util.List.of("wire.tool")));
		ApiClient.Answer answer = this.api.post("/v1/ai/run",
				"{\"agent_id\":\"" + agent + "\",\"tool\":\"wire.tool\",\"spend_usd\":1e-7}");
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.json()).containsEntry("allowed", false).containsEntry("decision", "blocked");
	}

	@Test
	void ttlAboveTheMaximumShouldBeClampedOnCheckLockLeaseAndExtend() {
		long forty = Duration.ofDays(40).toSeconds();
		ApiClient.Answer lock = this.api.post("/v1/check-lock", Map.of("key", this.prefix + "lock", "ttl", forty));
		assertThat(lock.status()).isEqualTo(200);
		long max = ((Number) lock.json().get("ttl")).longValue();
		assertThat(max).isPositive().isLessThan(forty);
		ApiClient.Answer lease = this.api.post("/v1/ai/lease", Map.of("key", this.prefix + "lease", "ttl", forty));
		assertThat(lease.status()).isEqualTo(200);
		assertThat(lease.json()).containsEntry("status", "acquired").containsEntry("ttl", (int) max);
		ApiClient.Answer extend = this.api.post("/v1/ai/extend",
				Map.of("key", this.prefix + "lease", "lease_id", lease.json().get("lease_id"), "ttl", forty));
		assertThat(extend.status()).isEqualTo(200);
		assertThat(extend.json()).containsEntry("ttl", (int) max);
	}

	@Test
	void ttlZeroShouldMeanTheDefaultAsWhenOmitted() {
		ApiClient.Answer omitted = this.api.post("/v1/check-lock", Map.of("key", this.prefix + "a"));
		ApiClient.Answer zero = this.api.post("/v1/check-lock", Map.of("key", this.prefix + "b", "ttl", 0));
		assertThat(zero.status()).isEqualTo(200);
		assertThat(zero.json().get("ttl")).isEqualTo(omitted.json().get("ttl"));
		ApiClient.Answer lease = this.api.post("/v1/ai/lease", Map.of("key", this.prefix + "c", "ttl", 0));
		assertThat(lease.json()).containsEntry("status", "acquired");
		assertThat(this.api.post("/v1/check-lock", Map.of("key", this.prefix + "d", "ttl", -1)).status())
			.isEqualTo(422);
	}

	@Test
	void eventsShouldAcceptFractionalTimes() {
		String runId = "run-" + UUID.randomUUID();
		ApiClient.Answer answer = this.api.post("/v1/events", "{\"run_id\":\"" + runId
				+ "\",\"type\":\"tool_result\",\"ts\":1767225600.123456,\"duration_ms\":12.75}");
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.json()).containsEntry("ok", true);
		Map<String, Object> event = firstEvent(runId);
		assertThat(event).containsEntry("ts", 1767225600).containsEntry("duration_ms", 12);
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> firstEvent(String runId) {
		return ((java.util.List<Map<String, Object>>) this.api.get("/v1/runs/" + runId).json().get("events")).get(0);
	}

	@Test
	void keyLengthShouldCountCodePoints() {
		String emoji = "\uD83D\uDE00".repeat(209);
		assertThat(this.api.post("/v1/check-lock", Map.of("key", emoji)).status()).isEqualTo(200);
		ApiClient.Answer tooLong = this.api.post("/v1/check-lock", Map.of("key", "\uD83D\uDE00".repeat(257)));
		assertThat(tooLong.status()).isEqualTo(422);
		assertThat(tooLong.text()).contains("257 characters").contains("at most 256");
	}

	@Test
	void keyWithAnUnpairedSurrogateShouldBe422() {
		ApiClient.Answer answer = this.api.post("/v1/check-lock", "{\"key\":\"a\\ud800b\"}");
		assertThat(answer.status()).isEqualTo(422);
		assertThat(answer.text()).contains("unpaired UTF-16 surrogate");
	}

	@Test
	@SuppressWarnings("unchecked")
	void duplicatesShouldBeBlockedNotCharged() {
		ApiClient tiny = this.api;
		Map<String, Object> before = (Map<String, Object>) tiny.get("/v1/usage/all").json().get("make");
		long charged = ((Number) before.get("charged_total_month")).longValue();
		long blocked = ((Number) before.get("blocked_total_month")).longValue();
		long usage = ((Number) before.get("usage")).longValue();
		assertThat(tiny.post("/v1/check-lock", Map.of("key", this.prefix + "1")).json()).containsEntry("status",
				"locked");
		assertThat(tiny.post("/v1/check-lock", Map.of("key", this.prefix + "1")).json()).containsEntry("status",
				"duplicate");
		Map<String, Object> after = (Map<String, Object>) tiny.get("/v1/usage/all").json().get("make");
		assertThat(((Number) after.get("charged_total_month")).longValue()).isEqualTo(charged + 1);
		assertThat(((Number) after.get("blocked_total_month")).longValue()).isEqualTo(blocked + 1);
		assertThat(((Number) after.get("usage")).longValue()).isEqualTo(usage + 1);
		assertThat(tiny.get("/v1/usage?kind=make").json().get("usage")).isEqualTo(after.get("usage"));
	}

	@Test
	void leaseAndRunAnswersShouldCarryUsageAndLimit() {
		ApiClient.Answer lease = this.api.post("/v1/ai/lease", Map.of("key", this.prefix + "u"));
		assertThat(lease.json()).containsEntry("charged", 1).containsKey("usage").containsEntry("limit", null);
		assertThat(((Number) lease.json().get("usage")).longValue()).isPositive();
		ApiClient.Answer run = this.api.post("/v1/ai/run", Map.of("key", this.prefix + "r"));
		assertThat(run.json()).containsKey("usage").containsKey("limit");
		ApiClient.Answer polling = this.api.post("/v1/ai/lease", Map.of("key", this.prefix + "u"));
		assertThat(polling.json()).containsEntry("charged", 0).containsKey("usage").containsKey("limit");
	}

	@Test
	void extendWithoutTtlShouldUseTheLeasesOwnTtl() {
		String key = this.prefix + "e";
		String leaseId = (String) this.api.post("/v1/ai/lease", Map.of("key", key, "ttl", 1800)).json().get("lease_id");
		ApiClient.Answer extended = this.api.post("/v1/ai/extend", Map.of("key", key, "lease_id", leaseId));
		assertThat(extended.json()).containsEntry("status", "extended").containsEntry("ttl", 1800);
		assertThat(((Number) this.api.get("/v1/ai/status?key=" + key).json().get("ttl_left")).longValue())
			.isGreaterThan(1700);
	}

	@Test
	void freeOrUnknownKeysShouldAnswerTheTerminalFailedStatus() {
		assertThat(this.api.get("/v1/ai/status?key=" + this.prefix + "none").json()).containsEntry("ok", false)
			.containsEntry("status", "failed")
			.containsEntry("error_code", "not_found")
			.containsEntry("lease_state", "not_found");
		assertThat(this.api.get("/v1/ai/result?key=" + this.prefix + "none").json()).containsEntry("status", "failed")
			.containsEntry("error_code", "not_found");
		String cancelled = this.prefix + "x";
		String leaseId = (String) this.api.post("/v1/ai/lease", Map.of("key", cancelled)).json().get("lease_id");
		this.api.post("/v1/ai/cancel", Map.of("key", cancelled, "lease_id", leaseId));
		assertThat(this.api.get("/v1/ai/status?key=" + cancelled).json()).containsEntry("status", "failed")
			.containsEntry("error_code", "lease_released")
			.containsEntry("lease_state", "released");
		assertThat(this.api.get("/v1/ai/result?key=" + cancelled).json()).containsEntry("status", "failed")
			.containsEntry("error_code", "lease_released");
		String expired = this.prefix + "t";
		this.api.post("/v1/ai/lease", Map.of("key", expired, "ttl", 30));
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(this.api.get("/v1/ai/status?key=" + expired).json()).containsEntry("status", "failed")
			.containsEntry("error_code", "lease_expired")
			.containsEntry("lease_state", "expired");
	}

}
