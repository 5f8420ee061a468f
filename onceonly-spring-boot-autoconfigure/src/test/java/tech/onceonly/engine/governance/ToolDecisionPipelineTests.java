package tech.onceonly.engine.governance;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tech.onceonly.client.OutcomeUnknownException;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.engine.EngineSettings;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.GovernanceTestClock;
import tech.onceonly.store.memory.InMemoryGovernanceStore;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The pipeline's two-step form for tools that run elsewhere ({@code decide}, then
 * {@code complete} or {@code fail}): the same gate, reservation and dedup as
 * {@code call}, with the outcome reported later.
 */
class ToolDecisionPipelineTests {

	private static final Duration CLAIM = Duration.ofSeconds(30);

	private GovernanceTestClock clock;

	private LocalOnceOnly engine;

	private GovernanceEngine governance;

	@BeforeEach
	void setUp() {
		this.clock = new GovernanceTestClock(Instant.parse("2026-03-10T10:15:00Z"));
		this.engine = LocalOnceOnly.builder(new InMemoryStore(this.clock))
			.settings(EngineSettings.defaults())
			.governanceStore(new InMemoryGovernanceStore(this.clock))
			.governanceSettings(GovernanceSettings.defaults().withHttpRetryBackoff(Duration.ZERO))
			.build();
		this.governance = this.engine.governance();
	}

	@AfterEach
	void close() {
		this.engine.close();
	}

	private ToolDecision decide(String id, String spend) {
		return this.governance
			.decide(ToolCallRequest.of("a", "charge", Map.of("id", id)).withSpend(new BigDecimal(spend)), null, CLAIM);
	}

	@Test
	void allowedCallShouldReserveAndClaimUntilItsResultIsRecordedThenReplayIt() {
		this.engine.gov().upsertPolicy("a", Map.of("max_spend_usd_per_day", 10));
		ToolDecision first = decide("c_1", "6");
		assertThat(first.mayRun()).isTrue();
		assertThat(decide("c_2", "5").answer().policyReason()).isEqualTo("max_spend_usd_per_day_exceeded");
		ToolCallOutcome done = this.governance.complete(first.pending(), Map.of("id", "ch_1"));
		assertThat(done.decision()).isEqualTo("executed");
		assertThat(done.policyReason()).isEqualTo("ok");
		// as in call(), the budget is checked before dedup: a replay needs headroom for
		// its own spend, which it then gives back
		ToolDecision again = decide("c_1", "4");
		assertThat(again.mayRun()).isFalse();
		assertThat(again.answer().decision()).isEqualTo("dedup");
		assertThat(again.answer().result().result()).containsEntry("id", "ch_1");
		assertThat(this.engine.gov().agentMetrics("a", "day").totalSpendUsd()).isEqualByComparingTo("6");
		assertThat(this.engine.gov().agentLogs("a", 10)).extracting((log) -> log.decision() + "/" + log.policyReason())
			.contains("executed/ok", "dedup/tool_idempotency", "blocked/max_spend_usd_per_day_exceeded");
	}

	@Test
	void disabledAgentAndListsShouldBlockBeforeAnyReservation() {
		this.engine.gov().disableAgent("a", "stop");
		assertThat(decide("c_1", "1").answer().policyReason()).isEqualTo("agent_disabled");
		this.engine.gov().enableAgent("a", null);
		this.engine.gov().upsertPolicy("a", Map.of("blocked_tools", List.of("charge")));
		assertThat(decide("c_1", "1").answer().policyReason()).isEqualTo("tool_explicitly_blocked");
	}

	@Test
	void failureShouldGiveTheReservationAndTheClaimBack() {
		this.engine.gov().upsertPolicy("a", Map.of("max_spend_usd_per_day", 10));
		ToolDecision first = decide("c_1", "6");
		ToolCallOutcome failed = this.governance.fail(first.pending(), "card declined");
		assertThat(failed.policyReason()).isEqualTo("tool_error");
		assertThat(failed.result().ok()).isFalse();
		ToolDecision retry = decide("c_1", "6");
		assertThat(retry.mayRun()).isTrue();
		this.governance.complete(retry.pending(), "ok");
		assertThat(this.engine.gov().agentMetrics("a", "day").totalSpendUsd()).isEqualByComparingTo("6");
	}

	@Test
	void claimNotReportedInTimeShouldBeTakenOverAndItsLateResultBeUnknown() {
		this.engine.gov().upsertPolicy("a", Map.of("max_spend_usd_per_day", 11));
		ToolDecision lost = decide("c_1", "4");
		this.clock.advance(CLAIM.plusSeconds(1));
		ToolDecision takeOver = decide("c_1", "4");
		assertThat(takeOver.mayRun()).isTrue();
		assertThatExceptionOfType(OutcomeUnknownException.class)
			.isThrownBy(() -> this.governance.complete(lost.pending(), "late"));
		// the lost call's spend stays charged: 4 + 4, so another 4 does not fit
		assertThat(decide("c_2", "4").answer().policyReason()).isEqualTo("max_spend_usd_per_day_exceeded");
		this.governance.complete(takeOver.pending(), "done");
		assertThat(decide("c_1", "3").answer().result().result()).containsEntry("value", "done");
	}

	@Test
	void concurrentDecisionsShouldNeverOverspendOneBudget() throws Exception {
		this.engine.gov().upsertPolicy("a", Map.of("max_spend_usd_per_day", 5));
		ExecutorService pool = Executors.newFixedThreadPool(16);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<ToolDecision>> futures = new ArrayList<>();
		for (int i = 0; i < 16; i++) {
			String id = "c_" + i;
			futures.add(pool.submit(() -> {
				start.await();
				return decide(id, "1");
			}));
		}
		start.countDown();
		int allowed = 0;
		for (Future<ToolDecision> future : futures) {
			if (future.get(30, TimeUnit.SECONDS).mayRun()) {
				allowed++;
			}
		}
		pool.shutdown();
		assertThat(allowed).isEqualTo(5);
	}

	@Test
	void nonPositiveClaimTtlShouldBeRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.governance.decide(ToolCallRequest.of("a", "charge", Map.of()), null, Duration.ZERO))
			.withMessageContaining("claimTtl");
	}

}
