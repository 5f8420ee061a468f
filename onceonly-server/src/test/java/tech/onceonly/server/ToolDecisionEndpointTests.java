package tech.onceonly.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import tech.onceonly.store.FaultyStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code /v1/ext/tool-decisions} extension: an in-process tool call decided by the
 * server's pipeline without running it, then its outcome recorded.
 */
@ServerTest
class ToolDecisionEndpointTests {

	private static final String DECIDE = "/v1/ext/tool-decisions";

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	@Autowired
	FaultyStore faults;

	private ApiClient api;

	private ApiClient other;

	private String agent;

	@BeforeEach
	void setUp() {
		this.api = new ApiClient(this.port, "test-key-tenant-a");
		this.other = new ApiClient(this.port, "test-key-tenant-b");
		this.agent = "td-" + UUID.randomUUID();
	}

	private ApiClient.Answer decide(ApiClient client, String chargeId, double spend) {
		return client.post(DECIDE,
				Map.of("agent_id", this.agent, "tool", "charge", "args", Map.of("id", chargeId), "spend_usd", spend));
	}

	private static String outcome(ApiClient.Answer decided) {
		return DECIDE + "/" + decided.json().get("claim_id") + "/outcome";
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (Map<String, Object>) value;
	}

	@Test
	void allowedCallShouldBeClaimedThenRecordedAndReplayedToAnIdenticalCall() {
		ApiClient.Answer decided = decide(this.api, "c_1", 5);
		assertThat(decided.status()).isEqualTo(200);
		assertThat(decided.json()).containsEntry("decision", "allowed")
			.containsEntry("allowed", true)
			.containsKey("claim_id");
		ApiClient.Answer recorded = this.api.post(outcome(decided), Map.of("ok", true, "result", Map.of("id", "ch_1")));
		assertThat(recorded.status()).isEqualTo(200);
		assertThat(recorded.json()).containsEntry("decision", "executed").containsEntry("policy_reason", "ok");
		ApiClient.Answer again = decide(this.api, "c_1", 5);
		assertThat(again.json()).containsEntry("decision", "dedup")
			.containsEntry("policy_reason", "tool_idempotency")
			.doesNotContainKey("claim_id");
		assertThat(map(again.json().get("result"))).containsEntry("id", "ch_1");
		ApiClient.Answer twice = this.api.post(outcome(decided), Map.of("ok", true, "result", Map.of("id", "ch_x")));
		assertThat(twice.status()).isEqualTo(404);
		assertThat(map(twice.json().get("detail"))).containsEntry("error", "claim_not_found");
	}

	@Test
	void disabledAgentShouldBeBlockedWithoutAClaim() {
		this.api.post("/v1/agents/" + this.agent + "/disable", Map.of("reason", "runaway"));
		ApiClient.Answer decided = decide(this.api, "c_1", 1);
		assertThat(decided.json()).containsEntry("decision", "blocked")
			.containsEntry("policy_reason", "agent_disabled")
			.doesNotContainKey("claim_id");
		this.api.post("/v1/agents/" + this.agent + "/enable", Map.of());
		assertThat(decide(this.api, "c_1", 1).json()).containsEntry("decision", "allowed");
	}

	@Test
	void spendShouldBeReservedAtTheDecisionAndKeptWhenTheToolReturns() {
		this.api.post("/v1/policies/" + this.agent, Map.of("max_spend_usd_per_day", 10));
		ApiClient.Answer first = decide(this.api, "c_1", 6);
		assertThat(first.json()).containsEntry("decision", "allowed");
		// reserved before the outcome: a second call that would exceed the budget is
		// blocked while the first still runs
		assertThat(decide(this.api, "c_2", 6).json()).containsEntry("policy_reason", "max_spend_usd_per_day_exceeded");
		this.api.post(outcome(first), Map.of("ok", true, "result", Map.of("id", "ch_1")));
		assertThat(decide(this.api, "c_3", 6).json()).containsEntry("policy_reason", "max_spend_usd_per_day_exceeded");
		assertThat(decide(this.api, "c_4", 4).json()).containsEntry("decision", "allowed");
	}

	@Test
	void failedToolShouldGiveTheReservationAndTheClaimBackAsLocally() {
		this.api.post("/v1/policies/" + this.agent, Map.of("max_spend_usd_per_day", 10));
		ApiClient.Answer first = decide(this.api, "c_1", 6);
		ApiClient.Answer failed = this.api.post(outcome(first), Map.of("ok", false, "error", "card declined"));
		assertThat(failed.status()).isEqualTo(200);
		assertThat(failed.json()).containsEntry("decision", "executed")
			.containsEntry("policy_reason", "tool_error")
			.containsEntry("ok", false);
		// the same call may run again, and its spend fits the budget again
		ApiClient.Answer retry = decide(this.api, "c_1", 6);
		assertThat(retry.json()).containsEntry("decision", "allowed");
	}

	@Test
	void anotherTenantShouldNeitherRecordNorConsumeTheClaim() {
		ApiClient.Answer decided = decide(this.api, "c_1", 1);
		ApiClient.Answer foreign = this.other.post(outcome(decided), Map.of("ok", false, "error", "forged"));
		assertThat(foreign.status()).isEqualTo(404);
		assertThat(map(foreign.json().get("detail"))).containsEntry("error", "claim_not_found");
		// the owner still records it
		ApiClient.Answer own = this.api.post(outcome(decided), Map.of("ok", true, "result", Map.of("id", "ch_1")));
		assertThat(own.status()).isEqualTo(200);
		assertThat(own.json()).containsEntry("policy_reason", "ok");
		// and the other tenant's pipeline never saw this agent's call
		assertThat(decide(this.other, "c_1", 1).json()).containsEntry("decision", "allowed");
	}

	@Test
	void claimWhoseOutcomeNeverArrivesShouldExpireKeepingItsSpendAndLetAnIdenticalCallRun() {
		this.api.post("/v1/policies/" + this.agent, Map.of("max_spend_usd_per_day", 10));
		ApiClient.Answer decided = this.api.post(DECIDE, Map.of("agent_id", this.agent, "tool", "charge", "args",
				Map.of("id", "c_1"), "spend_usd", 4, "claim_ttl", 5));
		assertThat(decided.json()).containsEntry("claim_ttl", 5);
		this.clock.advance(Duration.ofSeconds(6));
		ApiClient.Answer late = this.api.post(outcome(decided), Map.of("ok", true, "result", Map.of("id", "ch_1")));
		assertThat(late.status()).isEqualTo(404);
		// the caller may have died while its tool ran: its spend stays charged (4 + 4 of
		// the take-over), so a third 4 no longer fits
		assertThat(decide(this.api, "c_1", 4).json()).containsEntry("decision", "allowed");
		assertThat(decide(this.api, "c_2", 4).json()).containsEntry("policy_reason", "max_spend_usd_per_day_exceeded");
	}

	@Test
	void storeFailureWhileRecordingShouldAnswerOutcomeUnknownAndKeepTheSpend() {
		this.api.post("/v1/policies/" + this.agent, Map.of("max_spend_usd_per_day", 10));
		ApiClient.Answer decided = decide(this.api, "c_1", 6);
		FaultyStore.Rule rule = this.faults.on(FaultyStore.Op.COMPLETE_LEASE).times(1).failBefore();
		ApiClient.Answer recorded;
		try {
			recorded = this.api.post(outcome(decided), Map.of("ok", true, "result", Map.of("id", "ch_1")));
		}
		finally {
			rule.remove();
		}
		assertThat(recorded.status()).isEqualTo(409);
		assertThat(map(recorded.json().get("detail"))).containsEntry("error", "outcome_unknown");
		assertThat(decide(this.api, "c_2", 6).json()).containsEntry("policy_reason", "max_spend_usd_per_day_exceeded");
	}

	@Test
	void invalidRequestsShouldBeRefusedWithWhatWasWrong() {
		ApiClient.Answer missing = this.api.post(DECIDE, Map.of("tool", "charge"));
		assertThat(missing.status()).isEqualTo(422);
		assertThat(missing.firstError()).containsEntry("loc", List.of("body", "agent_id"));
		ApiClient.Answer negativeTtl = this.api.post(DECIDE,
				Map.of("agent_id", this.agent, "tool", "charge", "claim_ttl", -1));
		assertThat(negativeTtl.status()).isEqualTo(422);
		ApiClient.Answer decided = decide(this.api, "c_1", 1);
		ApiClient.Answer noError = this.api.post(outcome(decided), Map.of("ok", false));
		assertThat(noError.status()).isEqualTo(422);
		assertThat(noError.firstError()).containsEntry("loc", List.of("body", "error"));
		ApiClient.Answer noOk = this.api.post(outcome(decided), Map.of("result", 1));
		assertThat(noOk.status()).isEqualTo(422);
		// a refused outcome leaves the claim in place
		assertThat(this.api.post(outcome(decided), Map.of("ok", true)).status()).isEqualTo(200);
		ApiClient.Answer anonymous = new ApiClient(this.port, null).post(DECIDE,
				Map.of("agent_id", this.agent, "tool", "charge"));
		assertThat(anonymous.status()).isEqualTo(401);
	}

	@Test
	void concurrentIdenticalDecisionsShouldClaimOnce() throws Exception {
		int threads = 8;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		ConcurrentLinkedQueue<ApiClient.Answer> answers = new ConcurrentLinkedQueue<>();
		try {
			for (int i = 0; i < threads; i++) {
				pool.execute(() -> {
					try {
						start.await();
						answers.add(decide(this.api, "same", 1));
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				});
			}
			start.countDown();
			// one claims; the others wait for it (bounded) and are answered dedup
			ApiClient.Answer claimed = null;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (claimed == null && System.nanoTime() < deadline) {
				claimed = answers.stream()
					.filter((a) -> "allowed".equals(a.json().get("decision")))
					.findFirst()
					.orElse(null);
				Thread.sleep(5);
			}
			assertThat(claimed).isNotNull();
			this.api.post(outcome(claimed), Map.of("ok", true, "result", Map.of("id", "ch_1")));
			pool.shutdown();
			assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(answers).hasSize(threads);
		assertThat(answers).filteredOn((a) -> "allowed".equals(a.json().get("decision"))).hasSize(1);
		assertThat(answers).filteredOn((a) -> "dedup".equals(a.json().get("decision"))).hasSize(threads - 1);
	}

}
