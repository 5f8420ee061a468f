package tech.onceonly.engine.governance;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tech.onceonly.client.AgentLogItem;
import tech.onceonly.client.AgentMetrics;
import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.ApiException;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.OutcomeUnknownException;
import tech.onceonly.client.Policy;
import tech.onceonly.client.ResultNotSerializableException;
import tech.onceonly.client.RunEvent;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.client.ValidationException;
import tech.onceonly.engine.EngineSettings;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.GovernanceTestClock;
import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.memory.InMemoryStore;

import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The governed pipeline, the governance API and the tools registry of the local engine,
 * run on a governance store that each subclass provides.
 */
public abstract class AbstractGovernanceEngineTests {

	protected static final Instant START = Instant.parse("2026-03-10T10:15:00Z");

	protected GovernanceTestClock clock;

	protected InMemoryStore leases;

	protected GovernanceStore store;

	protected LocalOnceOnly engine;

	protected final AtomicInteger emails = new AtomicInteger();

	protected final AtomicInteger failures = new AtomicInteger();

	/** A fresh, empty governance store whose time follows {@code clock}. */
	protected abstract GovernanceStore createGovernanceStore(GovernanceTestClock clock);

	/**
	 * Another store instance on the same data as {@link #store} (another JVM's view); the
	 * same instance for stores that live in one JVM.
	 */
	protected GovernanceStore sameDataFromAnotherInstance() {
		return this.store;
	}

	@BeforeEach
	void setUpEngine() {
		this.clock = new GovernanceTestClock(START);
		this.leases = new InMemoryStore(this.clock);
		this.store = createGovernanceStore(this.clock);
		this.engine = newEngine();
	}

	protected LocalOnceOnly newEngine() {
		return newEngine(this.store);
	}

	protected LocalOnceOnly newEngine(GovernanceStore governanceStore) {
		return newEngine(governanceStore, "");
	}

	/**
	 * An engine in {@code namespace} (a tenant) on {@code governanceStore} and the shared
	 * lease store.
	 */
	protected LocalOnceOnly newEngine(GovernanceStore governanceStore, String namespace) {
		LocalTools tools = new LocalTools().register("send_email", (call) -> {
			this.emails.incrementAndGet();
			return Map.of("sent_to", call.args().get("to"));
		}).register("get_weather", (call) -> 21).register("flaky", (call) -> {
			if (this.failures.getAndIncrement() == 0) {
				throw new IllegalStateException("smtp down");
			}
			return Map.of("ok", true);
		}).register("wire_transfer", "high", (call) -> Map.of("done", true));
		return LocalOnceOnly.builder(this.leases)
			.settings(EngineSettings.defaults().withNamespace(namespace))
			.governanceStore(governanceStore)
			.localTools(tools)
			.governanceSettings(GovernanceSettings.defaults().withHttpRetryBackoff(Duration.ZERO))
			.build();
	}

	@AfterEach
	void closeEngine() {
		this.engine.close();
	}

	private AiToolResult call(String agent, String tool, Map<String, Object> args) {
		return this.engine.ai().runTool(ToolCallRequest.of(agent, tool, args));
	}

	private AiToolResult email(String agent, String to) {
		return call(agent, "send_email", Map.of("to", to));
	}

	@Test
	void allowedCallShouldExecuteWithRiskLevelAndResult() {
		AiToolResult result = email("a", "x@example.com");
		assertThat(result.ok()).isTrue();
		assertThat(result.allowed()).isTrue();
		assertThat(result.decision()).isEqualTo("executed");
		assertThat(result.policyReason()).isEqualTo("ok");
		assertThat(result.riskLevel()).isEqualTo("medium");
		assertThat(result.result()).containsEntry("sent_to", "x@example.com");
		assertThat(call("a", "get_weather", Map.of()).riskLevel()).isEqualTo("low");
		assertThat(call("a", "get_weather", Map.of("city", "Oslo")).result()).containsEntry("value", 21);
		assertThat(call("a", "wire_transfer", Map.of()).riskLevel()).isEqualTo("high");
	}

	@Test
	void unknownToolShouldBeToolNotFound() {
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> call("a", "nope", Map.of())).satisfies((ex) -> {
			assertThat(ex.getStatusCode()).isEqualTo(404);
			assertThat(ex.getErrorCode()).isEqualTo("tool_not_found");
		});
	}

	@Test
	void missingAgentOrToolShouldBeAnArgumentError() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> call("", "send_email", Map.of()))
			.withMessage("ai.run requires key=... OR agent_id=... and tool=...");
	}

	@Test
	void disabledAgentShouldBeBlockedBeforeAnythingElse() {
		this.engine.gov().upsertPolicy("a", Map.of("blocked_tools", List.of("send_email")));
		this.engine.gov().disableAgent("a", "runaway loop");
		AiToolResult result = email("a", "x");
		assertThat(result.allowed()).isFalse();
		assertThat(result.decision()).isEqualTo("blocked");
		assertThat(result.policyReason()).isEqualTo("agent_disabled");
		assertThat(this.emails).hasValue(0);
		this.engine.gov().enableAgent("a", null);
		assertThat(email("a", "x").policyReason()).isEqualTo("tool_explicitly_blocked");
	}

	@Test
	void toolOutsideTheAllowedListShouldBeBlocked() {
		this.engine.gov().upsertPolicy("a", Map.of("allowed_tools", List.of("get_weather")));
		AiToolResult result = email("a", "x");
		assertThat(result.decision()).isEqualTo("blocked");
		assertThat(result.policyReason()).isEqualTo("tool_not_in_allowed_list");
		assertThat(call("a", "get_weather", Map.of()).decision()).isEqualTo("executed");
	}

	@Test
	void toolInTheBlockedListShouldBeBlockedEvenWhenAllowed() {
		this.engine.gov()
			.upsertPolicy("a", Map.of("allowed_tools", List.of("send_email"), "blocked_tools", List.of("send_email")));
		assertThat(email("a", "x").policyReason()).isEqualTo("tool_explicitly_blocked");
	}

	@Test
	void listsShouldBeCheckedBeforeLimitsAndConsumeNothing() {
		this.engine.gov()
			.upsertPolicy("a", Map.of("blocked_tools", List.of("wire_transfer"), "max_actions_per_hour", 1));
		assertThat(call("a", "wire_transfer", Map.of()).policyReason()).isEqualTo("tool_explicitly_blocked");
		assertThat(email("a", "x").decision()).isEqualTo("executed");
		assertThat(call("a", "wire_transfer", Map.of()).policyReason()).isEqualTo("tool_explicitly_blocked");
		assertThat(email("a", "y").policyReason()).isEqualTo("max_actions_per_hour_exceeded");
	}

	@Test
	void actionsPerHourShouldBeLimitedPerUtcCalendarHour() {
		this.engine.gov().upsertPolicy("a", Map.of("max_actions_per_hour", 2));
		assertThat(email("a", "1").decision()).isEqualTo("executed");
		assertThat(email("a", "2").decision()).isEqualTo("executed");
		AiToolResult third = email("a", "3");
		assertThat(third.allowed()).isFalse();
		assertThat(third.decision()).isEqualTo("blocked");
		assertThat(third.policyReason()).isEqualTo("max_actions_per_hour_exceeded");
		this.clock.set(Instant.parse("2026-03-10T10:59:59Z"));
		assertThat(email("a", "4").policyReason()).isEqualTo("max_actions_per_hour_exceeded");
		this.clock.set(Instant.parse("2026-03-10T11:00:00Z"));
		assertThat(email("a", "5").decision()).isEqualTo("executed");
		assertThat(this.emails).hasValue(3);
	}

	@Test
	void callsPerToolShouldBeLimitedPerUtcCalendarDay() {
		this.engine.gov().upsertPolicy("a", Map.of("max_calls_per_tool", Map.of("send_email", 1, "*", 2)));
		assertThat(email("a", "1").decision()).isEqualTo("executed");
		assertThat(email("a", "2").policyReason()).isEqualTo("max_calls_per_tool_exceeded");
		assertThat(call("a", "get_weather", Map.of("d", 1)).decision()).isEqualTo("executed");
		assertThat(call("a", "get_weather", Map.of("d", 2)).decision()).isEqualTo("executed");
		assertThat(call("a", "get_weather", Map.of("d", 3)).policyReason()).isEqualTo("max_calls_per_tool_exceeded");
		this.clock.set(Instant.parse("2026-03-10T23:59:59Z"));
		assertThat(email("a", "3").policyReason()).isEqualTo("max_calls_per_tool_exceeded");
		this.clock.set(Instant.parse("2026-03-11T00:00:00Z"));
		assertThat(email("a", "4").decision()).isEqualTo("executed");
	}

	@Test
	void spendShouldBeExactAndLimitedPerUtcDay() {
		this.engine.gov().upsertPolicy("a", Map.of("max_spend_usd_per_day", new BigDecimal("0.3")));
		for (int i = 0; i < 3; i++) {
			AiToolResult result = this.engine.ai()
				.runTool(ToolCallRequest.of("a", "send_email", Map.of("to", "n" + i)).withSpend(new BigDecimal("0.1")));
			assertThat(result.decision()).isEqualTo("executed");
		}
		AiToolResult over = this.engine.ai()
			.runTool(ToolCallRequest.of("a", "send_email", Map.of("to", "n3")).withSpend(new BigDecimal("0.000001")));
		assertThat(over.policyReason()).isEqualTo("max_spend_usd_per_day_exceeded");
		assertThat(this.engine.gov().agentMetrics("a", "day").totalSpendUsd()).isEqualByComparingTo("0.3");
		this.clock.set(Instant.parse("2026-03-11T00:00:00Z"));
		assertThat(this.engine.ai()
			.runTool(ToolCallRequest.of("a", "send_email", Map.of("to", "n4")).withSpend(new BigDecimal("0.3")))
			.decision()).isEqualTo("executed");
	}

	@Test
	void spendShouldComeFromPricingRulesWhenTheCallHasNone() {
		this.engine.gov()
			.upsertPolicy("a", Map.of("max_spend_usd_per_day", 1, "pricing_rules",
					List.of(Map.of("tool", "send_email", "price_usd", 0.4), Map.of("tool", "*", "price_usd", 0.05))));
		assertThat(email("a", "1").decision()).isEqualTo("executed");
		assertThat(email("a", "2").decision()).isEqualTo("executed");
		assertThat(email("a", "3").policyReason()).isEqualTo("max_spend_usd_per_day_exceeded");
		assertThat(call("a", "get_weather", Map.of()).raw()).containsEntry("spend_usd", new BigDecimal("0.05"));
		assertThat(this.engine.gov().agentMetrics("a", "day").totalSpendUsd()).isEqualByComparingTo("0.85");
	}

	@Test
	void spendWithMoreThanSixDecimalsOrNegativeShouldBeRejected() {
		assertThatExceptionOfType(ValidationException.class)
			.isThrownBy(() -> this.engine.ai()
				.runTool(ToolCallRequest.of("a", "send_email", Map.of()).withSpend(new BigDecimal("0.0000001"))))
			.withMessageContaining("at most 6 decimal places");
		assertThatExceptionOfType(ValidationException.class)
			.isThrownBy(() -> this.engine.ai()
				.runTool(ToolCallRequest.of("a", "send_email", Map.of()).withSpend(new BigDecimal("-1"))))
			.withMessageContaining("must not be negative");
	}

	@Test
	void concurrentCallsShouldNeverOverspendOneBudget() throws Exception {
		this.engine.gov().upsertPolicy("a", Map.of("max_spend_usd_per_day", new BigDecimal("10.00")));
		ExecutorService pool = Executors.newFixedThreadPool(32);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Integer>> futures = new ArrayList<>();
		for (int t = 0; t < 32; t++) {
			int thread = t;
			futures.add(pool.submit(() -> {
				start.await();
				int executed = 0;
				for (int i = 0; i < 10; i++) {
					AiToolResult result = this.engine.ai()
						.runTool(ToolCallRequest.of("a", "send_email", Map.of("to", thread + "-" + i))
							.withSpend(new BigDecimal("0.07")));
					if (result.decision().equals("executed")) {
						executed++;
					}
				}
				return executed;
			}));
		}
		start.countDown();
		int executed = 0;
		for (Future<Integer> future : futures) {
			executed += future.get(60, TimeUnit.SECONDS);
		}
		pool.shutdown();
		assertThat(executed).isEqualTo(142);
		assertThat(this.emails).hasValue(142);
		assertThat(this.engine.gov().agentMetrics("a", "day").totalSpendUsd()).isEqualByComparingTo("9.94");
		assertThat(this.engine.gov().agentMetrics("a", "day").totalActions()).isEqualTo(320);
		assertThat(this.engine.gov().agentMetrics("a", "day").blockedActions()).isEqualTo(178);
	}

	@Test
	void killSwitchSetThroughOneEngineShouldBeObeyedByAnotherSharingTheStore() {
		try (LocalOnceOnly other = newEngine(sameDataFromAnotherInstance())) {
			assertThat(email("a", "1").decision()).isEqualTo("executed");
			other.gov().disableAgent("a", "incident 42");
			assertThat(email("a", "2").policyReason()).isEqualTo("agent_disabled");
			assertThat(this.engine.gov().upsertPolicy("b", Map.of()).agentId()).isEqualTo("b");
			other.gov().enableAgent("a", null);
			assertThat(email("a", "3").decision()).isEqualTo("executed");
		}
	}

	@Test
	void identicalCallShouldBeDedupedWithTheFirstResult() {
		AiToolResult first = email("a", "x");
		AiToolResult second = email("a", "x");
		assertThat(second.ok()).isTrue();
		assertThat(second.allowed()).isTrue();
		assertThat(second.decision()).isEqualTo("dedup");
		assertThat(second.policyReason()).isEqualTo("tool_idempotency");
		assertThat(second.result()).isEqualTo(first.result());
		assertThat(this.emails).hasValue(1);
		assertThat(email("b", "x").decision()).isEqualTo("executed");
		assertThat(this.engine.ai()
			.runTool(ToolCallRequest.of("a", "send_email", Map.of("to", "x")).withRunId("run-2"))
			.decision()).isEqualTo("executed");
		assertThat(this.emails).hasValue(3);
	}

	@Test
	void dedupShouldEndWithItsWindow() {
		email("a", "x");
		this.clock.advance(Duration.ofHours(23));
		assertThat(email("a", "x").decision()).isEqualTo("dedup");
		this.clock.advance(Duration.ofHours(1));
		assertThat(email("a", "x").decision()).isEqualTo("executed");
	}

	@Test
	void dedupShouldNotConsumeLimits() {
		this.engine.gov().upsertPolicy("a", Map.of("max_actions_per_hour", 2));
		email("a", "x");
		assertThat(email("a", "x").decision()).isEqualTo("dedup");
		assertThat(email("a", "y").decision()).isEqualTo("executed");
		assertThat(email("a", "x").policyReason()).isEqualTo("max_actions_per_hour_exceeded");
	}

	@Test
	void concurrentIdenticalCallsShouldExecuteOnce() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger runs = new AtomicInteger();
		this.engine.governance().localTools().register("slow_charge", (call) -> {
			runs.incrementAndGet();
			entered.countDown();
			release.await(10, TimeUnit.SECONDS);
			return Map.of("charge", "ch_1");
		});
		ExecutorService pool = Executors.newFixedThreadPool(8);
		List<Future<AiToolResult>> futures = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			futures.add(pool.submit(() -> call("a", "slow_charge", Map.of("amount", 100))));
		}
		entered.await(10, TimeUnit.SECONDS);
		release.countDown();
		List<String> decisions = new ArrayList<>();
		for (Future<AiToolResult> future : futures) {
			AiToolResult result = future.get(30, TimeUnit.SECONDS);
			decisions.add(result.decision());
			assertThat(result.result()).containsEntry("charge", "ch_1");
		}
		pool.shutdown();
		assertThat(runs).hasValue(1);
		assertThat(decisions).filteredOn("executed"::equals).hasSize(1);
		assertThat(decisions).filteredOn("dedup"::equals).hasSize(7);
	}

	@Test
	void toolErrorShouldGiveBackItsReservationAndAllowARetry() {
		this.engine.gov().upsertPolicy("a", Map.of("max_calls_per_tool", Map.of("flaky", 1)));
		AiToolResult failed = this.engine.ai()
			.runTool(ToolCallRequest.of("a", "flaky", Map.of()).withSpend(new BigDecimal("1")));
		assertThat(failed.ok()).isFalse();
		assertThat(failed.allowed()).isTrue();
		assertThat(failed.decision()).isEqualTo("executed");
		assertThat(failed.policyReason()).isEqualTo("tool_error");
		assertThat(failed.result()).containsEntry("error", "tool_error").containsEntry("message", "smtp down");
		AiToolResult retried = this.engine.ai()
			.runTool(ToolCallRequest.of("a", "flaky", Map.of()).withSpend(new BigDecimal("1")));
		assertThat(retried.policyReason()).isEqualTo("ok");
		assertThat(this.engine.gov().agentMetrics("a", "day").totalSpendUsd()).isEqualByComparingTo("1");
	}

	@Test
	void everyDecisionShouldBeOneAuditRecordNewestFirst() {
		this.engine.gov().upsertPolicy("a", Map.of("blocked_tools", List.of("wire_transfer")));
		email("a", "x");
		this.clock.advance(Duration.ofSeconds(1));
		email("a", "x");
		this.clock.advance(Duration.ofSeconds(1));
		this.engine.ai()
			.runTool(ToolCallRequest.of("a", "wire_transfer", Map.of())
				.withSpend(new BigDecimal("2.5"))
				.withRunId("r1"));
		List<AgentLogItem> logs = this.engine.gov().agentLogs("a", 100);
		assertThat(logs).extracting(AgentLogItem::decision).containsExactly("blocked", "dedup", "executed");
		assertThat(logs).extracting(AgentLogItem::policyReason)
			.containsExactly("tool_explicitly_blocked", "tool_idempotency", "ok");
		AgentLogItem blocked = logs.get(0);
		assertThat(blocked.allowed()).isFalse();
		assertThat(blocked.riskLevel()).isEqualTo("high");
		assertThat(blocked.ts()).isEqualTo(START.getEpochSecond() + 2);
		assertThat(blocked.raw()).containsEntry("run_id", "r1");
		assertThat(logs.get(1).argsHash()).isEqualTo(logs.get(2).argsHash()).hasSize(64);
		assertThat(this.engine.gov().agentLogs("a", 1)).hasSize(1);
		assertThatExceptionOfType(ValidationException.class).isThrownBy(() -> this.engine.gov().agentLogs("a", 501));
	}

	@Test
	void metricsShouldCoverHourDayAndWeekWithTopTools() {
		email("a", "1");
		email("a", "2");
		call("a", "get_weather", Map.of());
		this.clock.advance(Duration.ofHours(2));
		email("a", "3");
		this.engine.gov().disableAgent("a", null);
		email("a", "4");
		AgentMetrics hour = this.engine.gov().agentMetrics("a", "hour");
		assertThat(hour.totalActions()).isEqualTo(2);
		assertThat(hour.blockedActions()).isEqualTo(1);
		AgentMetrics day = this.engine.gov().agentMetrics("a", "day");
		assertThat(day.period()).isEqualTo("day");
		assertThat(day.totalActions()).isEqualTo(5);
		assertThat(day.topTools()).containsExactly(new AgentMetrics.ToolCount("send_email", 4),
				new AgentMetrics.ToolCount("get_weather", 1));
		this.clock.advance(Duration.ofDays(3));
		assertThat(this.engine.gov().agentMetrics("a", "day").totalActions()).isZero();
		assertThat(this.engine.gov().agentMetrics("a", "week").totalActions()).isEqualTo(5);
		assertThatExceptionOfType(ValidationException.class)
			.isThrownBy(() -> this.engine.gov().agentMetrics("a", "month"));
	}

	@Test
	void policiesShouldRoundTripAndList() {
		Policy policy = this.engine.gov()
			.upsertPolicy("billing-agent",
					Map.of("agent_id", "ignored", "max_actions_per_hour", 200, "max_spend_usd_per_day", 50,
							"allowed_tools", List.of("stripe.charge"), "blocked_tools", List.of("delete_user"),
							"max_calls_per_tool", Map.of("stripe.charge", 3), "unknown", "dropped"));
		assertThat(policy.agentId()).isEqualTo("billing-agent");
		assertThat(policy.maxActionsPerHour()).isEqualTo(200);
		assertThat(policy.maxSpendUsdPerDay()).isEqualByComparingTo("50");
		assertThat(policy.allowedTools()).containsExactly("stripe.charge");
		assertThat(policy.maxCallsPerTool()).containsEntry("stripe.charge", 3L);
		assertThat(policy.policy()).doesNotContainKey("unknown");
		Policy read = this.engine.gov().getPolicy("billing-agent");
		assertThat(read.maxSpendUsdPerDay()).isEqualByComparingTo("50");
		assertThat(read.blockedTools()).containsExactly("delete_user");
		this.engine.gov().upsertPolicy("another", Map.of());
		assertThat(this.engine.gov().listPolicies()).extracting(Policy::agentId)
			.containsExactly("another", "billing-agent");
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> this.engine.gov().getPolicy("missing"))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(404));
	}

	@Test
	void invalidPoliciesShouldBeRejectedWithTheField() {
		assertThatExceptionOfType(ValidationException.class)
			.isThrownBy(() -> this.engine.gov().upsertPolicy("a", Map.of("max_actions_per_hour", -1)))
			.withMessageContaining("max_actions_per_hour");
		assertThatExceptionOfType(ValidationException.class)
			.isThrownBy(() -> this.engine.gov().upsertPolicy("a", Map.of("max_actions_per_hour", 1.5)))
			.withMessageContaining("whole number");
		assertThatExceptionOfType(ValidationException.class)
			.isThrownBy(() -> this.engine.gov().upsertPolicy("a", Map.of("allowed_tools", "send_email")))
			.withMessageContaining("allowed_tools");
		assertThatExceptionOfType(ValidationException.class)
			.isThrownBy(
					() -> this.engine.gov().upsertPolicy("a", Map.of("pricing_rules", List.of(Map.of("tool", "x")))))
			.withMessageContaining("pricing_rules[0]");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.engine.gov().upsertPolicy(" ", Map.of()))
			.withMessage("upsert_policy requires agent_id");
	}

	@Test
	void templatesShouldHaveTheirDocumentedValues() {
		Policy strict = this.engine.gov().policyFromTemplate("s", "strict", null);
		assertThat(strict.maxActionsPerHour()).isEqualTo(20);
		assertThat(strict.maxSpendUsdPerDay()).isEqualByComparingTo("5");
		assertThat(strict.maxCallsPerTool()).containsExactly(Map.entry("*", 10L));
		Policy moderate = this.engine.gov().policyFromTemplate("m", "moderate", null);
		assertThat(moderate.maxActionsPerHour()).isEqualTo(100);
		assertThat(moderate.maxSpendUsdPerDay()).isEqualByComparingTo("50");
		Policy permissive = this.engine.gov().policyFromTemplate("p", "permissive", null);
		assertThat(permissive.maxActionsPerHour()).isEqualTo(1000);
		assertThat(permissive.maxSpendUsdPerDay()).isEqualByComparingTo("500");
		Policy readOnly = this.engine.gov().policyFromTemplate("r", "read_only", null);
		assertThat(readOnly.maxActionsPerHour()).isEqualTo(200);
		assertThat(readOnly.maxSpendUsdPerDay()).isEqualByComparingTo("0");
		assertThat(readOnly.blockedTools()).containsExactlyElementsOf(PolicyTemplates.READ_ONLY_BLOCKED);
		Policy support = this.engine.gov().policyFromTemplate("b", "support_bot", null);
		assertThat(support.maxActionsPerHour()).isEqualTo(300);
		assertThat(support.maxSpendUsdPerDay()).isEqualByComparingTo("25");
		assertThat(support.allowedTools()).containsExactlyElementsOf(PolicyTemplates.SUPPORT_BOT_ALLOWED);
		assertThat(support.blockedTools()).containsExactly("refund", "delete_user");
		assertThat(support.maxCallsPerTool()).containsOnly(Map.entry("send_email", 50L),
				Map.entry("create_ticket", 100L));
		assertThat(support.raw()).containsEntry("template", "support_bot");
	}

	@Test
	void templateOverridesShouldReplaceWholeFields() {
		Policy policy = this.engine.gov()
			.policyFromTemplate("a", "moderate", Map.of("max_actions_per_hour", 7, "allowed_tools", List.of("x")));
		assertThat(policy.maxActionsPerHour()).isEqualTo(7);
		assertThat(policy.maxSpendUsdPerDay()).isEqualByComparingTo("50");
		assertThat(policy.allowedTools()).containsExactly("x");
		assertThat(this.engine.gov().getPolicy("a").maxActionsPerHour()).isEqualTo(7);
		assertThatExceptionOfType(ValidationException.class)
			.isThrownBy(() -> this.engine.gov().policyFromTemplate("a", "lax", null))
			.withMessageContaining("strict");
	}

	@Test
	void readOnlyTemplateShouldBlockSpendingCalls() {
		this.engine.gov().policyFromTemplate("a", "read_only", null);
		assertThat(call("a", "get_weather", Map.of()).decision()).isEqualTo("executed");
		assertThat(this.engine.ai()
			.runTool(ToolCallRequest.of("a", "wire_transfer", Map.of()).withSpend(new BigDecimal("0.01")))
			.policyReason()).isEqualTo("max_spend_usd_per_day_exceeded");
		assertThat(email("a", "x").policyReason()).isEqualTo("tool_explicitly_blocked");
	}

	@Test
	void registeredToolsShouldBeValidatedAndNeverShowTheirSecret() {
		Map<String, Object> created = this.engine.gov()
			.createTool(Map.of("name", "crm.update", "url", "https://tools.example.com/crm", "auth",
					Map.of("type", "hmac_sha256", "secret", "s3cret-value")));
		assertThat(created).containsEntry("scope_id", "global")
			.containsEntry("timeout_ms", 15000)
			.containsEntry("max_retries", 2)
			.containsEntry("enabled", true)
			.containsEntry("has_secret", true)
			.containsEntry("secret_mask", "****ue")
			.doesNotContainKey("secret")
			.doesNotContainKey("auth");
		assertThat(created.toString()).doesNotContain("s3cret-value");
		assertThat((String) created.get("secret_id")).hasSize(12);
		assertThat(this.engine.gov().listTools("global")).hasSize(1);
		assertThat(this.engine.gov().getTool("crm.update", "global")).containsEntry("url",
				"https://tools.example.com/crm");
		assertThat(this.engine.gov().toggleTool("crm.update", false, "global")).containsEntry("enabled", false);
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> call("a", "crm.update", Map.of()))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("tool_not_found"));
		assertThat(this.engine.gov().deleteTool("crm.update", "global")).containsEntry("ok", true)
			.containsEntry("deleted", "crm.update");
		assertThatExceptionOfType(ApiException.class)
			.isThrownBy(() -> this.engine.gov().getTool("crm.update", "global"))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(404));
	}

	@Test
	void invalidToolRegistrationsShouldSayWhatIsWrong() {
		Map<String, Object> auth = Map.of("type", "hmac_sha256", "secret", "long-enough");
		assertInvalid(Map.of("name", "bad name", "url", "https://x", "auth", auth), "name must match");
		assertInvalid(Map.of("name", "t", "url", "https://x", "auth", auth, "scope_id", "team:1"), "scope_id");
		assertInvalid(Map.of("name", "t", "auth", auth), "url is required");
		assertInvalid(Map.of("name", "t", "url", "ftp://x", "auth", auth), "http or https");
		assertInvalid(Map.of("name", "t", "url", "https://x"), "auth is required");
		assertInvalid(Map.of("name", "t", "url", "https://x", "auth", Map.of("type", "basic", "secret", "long-enough")),
				"auth.type");
		assertInvalid(Map.of("name", "t", "url", "https://x", "auth", Map.of("type", "hmac_sha256", "secret", "short")),
				"at least 8 characters");
		assertInvalid(Map.of("name", "t", "url", "https://x", "auth", auth, "timeout_ms", 100), "timeout_ms");
		assertInvalid(Map.of("name", "t", "url", "https://x", "auth", auth, "max_retries", 11), "max_retries");
		assertInvalid(Map.of("name", "t", "url", "https://x", "auth", auth, "description", "d".repeat(513)),
				"description");
		assertThat(
				this.engine.gov()
					.createTool(Map.of("name", "t", "url", "https://x", "auth", auth, "scope_id", "agent:a",
							"timeout_ms", 250, "max_retries", 0, "description", "d".repeat(512))))
			.containsEntry("scope_id", "agent:a");
	}

	private void assertInvalid(Map<String, Object> tool, String message) {
		assertThatExceptionOfType(ValidationException.class).isThrownBy(() -> this.engine.gov().createTool(tool))
			.withMessageContaining(message);
	}

	@Test
	void tenantsSharingOneStoreShouldNeverSeeEachOthersPoliciesOrKillSwitch() {
		try (LocalOnceOnly a = newEngine(this.store, "t:a:");
				LocalOnceOnly b = newEngine(sameDataFromAnotherInstance(), "t:b:")) {
			a.gov().upsertPolicy("agent", Map.of("blocked_tools", List.of("get_weather")));
			assertThat(a.gov().getPolicy("agent").agentId()).isEqualTo("agent");
			assertThat(a.gov().listPolicies()).extracting(Policy::agentId).containsExactly("agent");
			assertThat(b.gov().listPolicies()).isEmpty();
			assertThatExceptionOfType(ApiException.class).isThrownBy(() -> b.gov().getPolicy("agent"))
				.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(404));
			assertThat(a.gov().disableAgent("agent", "incident").enabled()).isFalse();
			assertThat(b.gov().disableAgent("other", null).agentId()).isEqualTo("other");
			assertThat(runIn(a, "agent", "send_email").policyReason()).isEqualTo("agent_disabled");
			assertThat(runIn(b, "agent", "get_weather").decision()).isEqualTo("executed");
			assertThat(email("agent", "z").decision()).isEqualTo("executed");
			a.gov().enableAgent("agent", null);
			assertThat(runIn(a, "agent", "get_weather").policyReason()).isEqualTo("tool_explicitly_blocked");
			assertThat(runIn(a, "other", "get_weather").decision()).isEqualTo("executed");
			assertThat(runIn(b, "other", "get_weather").policyReason()).isEqualTo("agent_disabled");
		}
	}

	@Test
	void tenantsSharingOneStoreShouldHaveTheirOwnLogsMetricsAndCounters() {
		try (LocalOnceOnly a = newEngine(this.store, "t:a:");
				LocalOnceOnly b = newEngine(sameDataFromAnotherInstance(), "t:b:")) {
			a.gov().upsertPolicy("agent", Map.of("max_actions_per_hour", 1));
			b.gov().upsertPolicy("agent", Map.of("max_actions_per_hour", 1));
			assertThat(runIn(a, "agent", "get_weather").policyReason()).isEqualTo("ok");
			assertThat(runIn(a, "agent", "wire_transfer").policyReason()).isEqualTo("max_actions_per_hour_exceeded");
			assertThat(runIn(b, "agent", "wire_transfer").policyReason()).isEqualTo("ok");
			List<AgentLogItem> logsA = a.gov().agentLogs("agent", 10);
			assertThat(logsA).extracting(AgentLogItem::decision).containsExactly("blocked", "executed");
			assertThat(logsA).extracting(AgentLogItem::agentId).containsOnly("agent");
			assertThat(b.gov().agentLogs("agent", 10)).extracting(AgentLogItem::tool).containsExactly("wire_transfer");
			assertThat(this.engine.gov().agentLogs("agent", 10)).isEmpty();
			AgentMetrics metricsA = a.gov().agentMetrics("agent", "day");
			assertThat(metricsA.totalActions()).isEqualTo(2);
			assertThat(metricsA.blockedActions()).isEqualTo(1);
			assertThat(b.gov().agentMetrics("agent", "day").totalActions()).isEqualTo(1);
			assertThat(b.gov().agentMetrics("agent", "day").blockedActions()).isZero();
		}
	}

	@Test
	void tenantsSharingOneStoreShouldHaveTheirOwnToolsAndEvents() {
		Map<String, Object> auth = Map.of("type", "hmac_sha256", "secret", "long-enough");
		try (LocalOnceOnly a = newEngine(this.store, "t:a:");
				LocalOnceOnly b = newEngine(sameDataFromAnotherInstance(), "t:b:")) {
			assertThat(a.gov().createTool(Map.of("name", "crm", "url", "https://a.example.com", "auth", auth)))
				.containsEntry("scope_id", "global");
			a.gov()
				.createTool(Map.of("name", "crm", "url", "https://a.example.com/own", "auth", auth, "scope_id",
						"agent:agent"));
			assertThat(a.gov().listTools("global")).extracting((tool) -> tool.get("scope_id"))
				.containsExactly("global");
			assertThat(a.gov().getTool("crm", "agent:agent")).containsEntry("scope_id", "agent:agent");
			assertThat(b.gov().listTools("global")).isEmpty();
			assertThat(b.gov().listTools("agent:agent")).isEmpty();
			assertThatExceptionOfType(ApiException.class).isThrownBy(() -> b.gov().getTool("crm", "global"))
				.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(404));
			assertThatExceptionOfType(ApiException.class).isThrownBy(() -> b.gov().toggleTool("crm", false, "global"))
				.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(404));
			assertThatExceptionOfType(ApiException.class).isThrownBy(() -> b.gov().deleteTool("crm", "global"))
				.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(404));
			assertThatExceptionOfType(ApiException.class).isThrownBy(() -> runIn(b, "agent", "crm"))
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("tool_not_found"));
			assertThat(a.gov().getTool("crm", "global")).containsEntry("enabled", true);

			assertThat(a.postEvent(RunEvent.of("run-1", "step"))).containsEntry("run_id", "run-1");
			b.postEvent(RunEvent.of("run-1", "other"));
			b.postEvent(RunEvent.of("run-2", "other"));
			Map<String, Object> timelineA = a.getRunTimeline("run-1", 10, 0);
			assertThat(timelineA).containsEntry("run_id", "run-1").containsEntry("total", 1L);
			assertThat(events(timelineA.get("events"))).extracting((event) -> event.get("type"))
				.containsExactly("step");
			assertThat(b.getRunTimeline("run-1", 10, 0)).containsEntry("total", 1L);
			assertThat(events(a.events(10, 0).get("data"))).extracting((event) -> event.get("run_id"))
				.containsExactly("run-1");
			assertThat(events(b.events(10, 0).get("data"))).extracting((event) -> event.get("run_id"))
				.containsExactly("run-2", "run-1");
			assertThat(events(b.events(10, 1).get("data"))).extracting((event) -> event.get("type"))
				.containsExactly("other");
		}
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> events(Object events) {
		return (List<Map<String, Object>>) events;
	}

	private static AiToolResult runIn(LocalOnceOnly engine, String agent, String tool) {
		return engine.ai().runTool(ToolCallRequest.of(agent, tool, Map.of()));
	}

	// ---- governed calls under faults: heartbeats, lost leases, failed recording

	private static final ToolCallRequest CHARGE = ToolCallRequest.of("a", "charge", Map.of("amount", 100))
		.withSpend(new BigDecimal("0.5"));

	/** Settings whose leases are heartbeated every 100 ms. */
	private static GovernanceSettings quickHeartbeats() {
		return GovernanceSettings.defaults()
			.withHttpRetryBackoff(Duration.ZERO)
			.withHeartbeatEvery(Duration.ofMillis(100));
	}

	/** A tool that counts its runs and blocks its first run until {@code release}. */
	private static LocalTools charge(AtomicInteger runs, CountDownLatch entered, CountDownLatch release) {
		return new LocalTools().register("charge", (call) -> {
			if (runs.incrementAndGet() == 1) {
				entered.countDown();
				release.await(30, TimeUnit.SECONDS);
			}
			return Map.of("charge", "ch_" + runs.get());
		});
	}

	@Test
	void toolRunningLongerThanItsDedupLeaseShouldNotRunTwiceForAnIdenticalCall() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (Governed governed = new Governed(charge(runs, entered, release),
				quickHeartbeats().withToolLeaseTtl(Duration.ofSeconds(3)))
			.releasing(release)) {
			Future<ToolCallOutcome> first = governed.async(CHARGE);
			assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
			String key = governed.leases.acquiredKey("gov:dedup:");
			for (int i = 0; i < 3; i++) {
				this.clock.advance(Duration.ofSeconds(2));
				governed.leases.awaitFreshHeartbeat(key);
			}
			int reads = governed.leases.readsOf(key);
			Future<ToolCallOutcome> second = governed.async(CHARGE);
			governed.leases.awaitReads(key, reads + 2);
			release.countDown();
			assertThat(first.get(10, TimeUnit.SECONDS).decision()).isEqualTo("executed");
			ToolCallOutcome dedup = second.get(10, TimeUnit.SECONDS);
			assertThat(dedup.decision()).isEqualTo("dedup");
			assertThat(dedup.result().result()).containsEntry("charge", "ch_1");
			assertThat(runs).hasValue(1);
			assertThat(governed.events.events).isEmpty();
		}
	}

	@Test
	void dedupLeaseLostWhileTheToolRanShouldBeReportedAndTheOutcomeUnknownButAudited() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (Governed governed = new Governed(charge(runs, entered, release), quickHeartbeats()).releasing(release)) {
			Future<ToolCallOutcome> call = governed.async(CHARGE);
			assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
			String key = governed.leases.acquiredKey("gov:dedup:");
			// another worker took the claim over (this one was paused past its lease)
			this.leases.deleteLease(key);
			this.leases.acquireLease(key, Duration.ofMinutes(5), "other-worker", null);
			governed.events.await("lost tool_call " + key);
			release.countDown();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> call.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(OutcomeUnknownException.class);
			assertThat(governed.events.events).containsExactly("lost tool_call " + key, "unknown tool_call " + key);
			LeaseRecord lease = this.leases.getLease(key);
			assertThat(lease.state()).isEqualTo(LeaseState.HELD);
			assertThat(lease.leaseId()).isEqualTo("other-worker");
			List<AgentLogItem> logs = this.engine.gov().agentLogs("a", 10);
			assertThat(logs).extracting(AgentLogItem::decision, AgentLogItem::policyReason)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("executed", "outcome_unknown"));
			assertThat(this.engine.gov().agentMetrics("a", "day").totalSpendUsd()).isEqualByComparingTo("0.5");
		}
	}

	@Test
	void failingCompletionAfterTheToolRanShouldBeRetriedAndNeverReleaseTheClaim() {
		try (Governed governed = new Governed(counting(), quickHeartbeats())) {
			governed.leases.completionFailures.set(2);
			ToolCallOutcome first = governed.engine.call(CHARGE);
			assertThat(first.decision()).isEqualTo("executed");
			assertThat(first.result().ok()).isTrue();
			assertThat(first.result().result()).containsEntry("charge", "ch_1");
			String key = governed.leases.acquiredKey("gov:dedup:");
			assertThat(governed.events.events).containsExactly("retried tool_call " + key, "retried tool_call " + key);
			ToolCallOutcome again = governed.engine.call(CHARGE);
			assertThat(again.decision()).isEqualTo("dedup");
			assertThat(again.result().result()).containsEntry("charge", "ch_1");
			assertThat(this.engine.gov().agentLogs("a", 10)).extracting(AgentLogItem::policyReason)
				.containsExactly("tool_idempotency", "ok");
			assertThat(this.engine.gov().agentMetrics("a", "day").totalSpendUsd()).isEqualByComparingTo("0.5");
		}
	}

	@Test
	void completionWhoseAnswerWasLostShouldCountAsRecorded() {
		AtomicInteger runs = new AtomicInteger();
		try (Governed governed = new Governed(counting(runs), quickHeartbeats())) {
			governed.leases.lostCompletionAnswers.set(1);
			ToolCallOutcome first = governed.engine.call(CHARGE);
			assertThat(first.decision()).isEqualTo("executed");
			assertThat(first.result().ok()).isTrue();
			String key = governed.leases.acquiredKey("gov:dedup:");
			assertThat(governed.events.events).contains("retried tool_call " + key)
				.doesNotContain("unknown tool_call " + key);
			ToolCallOutcome again = governed.engine.call(CHARGE);
			assertThat(again.decision()).isEqualTo("dedup");
			assertThat(again.result().result()).containsEntry("charge", "ch_1");
			assertThat(runs).hasValue(1);
			assertThat(this.engine.gov().agentLogs("a", 10)).extracting(AgentLogItem::policyReason)
				.containsExactly("tool_idempotency", "ok");
		}
	}

	@Test
	void completionFailingUntilTheLeaseIsLostShouldBeOutcomeUnknownAuditedAndNeverCancelled() {
		AtomicLong nanos = new AtomicLong();
		Heartbeats heartbeats = new Heartbeats(null, null, nanos::get);
		GovernanceSettings settings = quickHeartbeats().withToolLeaseTtl(Duration.ofSeconds(2))
			.withDedupWaitTimeout(Duration.ZERO);
		try (Governed governed = new Governed(counting(), settings, heartbeats, heartbeats::close)) {
			governed.leases.failCompletions = true;
			governed.leases.failExtends = true;
			governed.leases.onRefusedCompletion = () -> nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
			assertThatExceptionOfType(OutcomeUnknownException.class).isThrownBy(() -> governed.engine.call(CHARGE))
				.satisfies((ex) -> assertThat(ex.getCause()).hasMessageContaining("injected"));
			String key = governed.leases.acquiredKey("gov:dedup:");
			assertThat(governed.events.events).contains("retried tool_call " + key)
				.endsWith("unknown tool_call " + key);
			assertThat(this.leases.getLease(key).state()).isEqualTo(LeaseState.HELD);
			assertThat(this.engine.gov().agentLogs("a", 10)).extracting(AgentLogItem::policyReason)
				.containsExactly("outcome_unknown");
			assertThat(this.engine.gov().agentMetrics("a", "day").totalSpendUsd()).isEqualByComparingTo("0.5");
			governed.leases.failCompletions = false;
			ToolCallOutcome identical = governed.engine.call(CHARGE);
			assertThat(identical.decision()).isEqualTo("dedup");
			assertThat(identical.executed()).isFalse();
			assertThat(identical.result().ok()).isFalse();
		}
	}

	@Test
	void unserializableResultShouldBeRecordedAsFailedAndKeepTheSpend() {
		AtomicInteger runs = new AtomicInteger();
		LocalTools tools = new LocalTools().register("charge", (call) -> {
			runs.incrementAndGet();
			return Map.of("order", new LazyEntity());
		});
		try (Governed governed = new Governed(tools, quickHeartbeats())) {
			ToolCallOutcome first = governed.engine.call(CHARGE);
			assertThat(first.executed()).isTrue();
			assertThat(first.value()).isInstanceOf(Map.class);
			assertThat(first.error()).isInstanceOf(ResultNotSerializableException.class);
			assertThat(first.decision()).isEqualTo("executed");
			assertThat(first.policyReason()).isEqualTo("result_not_serializable");
			assertThat(first.result().ok()).isFalse();
			assertThat(first.result().result()).containsEntry("error", "result_not_serializable");
			ToolCallOutcome again = governed.engine.call(CHARGE);
			assertThat(again.decision()).isEqualTo("dedup");
			assertThat(again.result().ok()).isFalse();
			assertThat(again.result().result()).containsEntry("error", "result_not_serializable");
			assertThat(runs).hasValue(1);
			assertThat(this.engine.gov().agentLogs("a", 10)).extracting(AgentLogItem::policyReason)
				.containsExactly("tool_idempotency", "result_not_serializable");
			assertThat(this.engine.gov().agentMetrics("a", "day").totalSpendUsd()).isEqualByComparingTo("0.5");
		}
	}

	@Test
	void identicalCallShouldTakeOverTheClaimOfACallerThatDiedOnceItsLeaseExpired() throws Exception {
		AtomicInteger deadRuns = new AtomicInteger();
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(1);
		Heartbeats stopped = new Heartbeats(ticker, new FrozenExecutor(), System::nanoTime);
		AtomicInteger runs = new AtomicInteger();
		try (Governed dead = new Governed(charge(deadRuns, entered, release), GovernanceSettings.defaults(), stopped,
				ticker::shutdownNow)
			.releasing(release); Governed live = new Governed(counting(runs), GovernanceSettings.defaults())) {
			dead.async(CHARGE);
			assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
			String key = dead.leases.acquiredKey("gov:dedup:");
			Future<ToolCallOutcome> waiter = live.async(CHARGE);
			live.leases.awaitReads(key, 2);
			this.clock.advance(Duration.ofSeconds(31));
			ToolCallOutcome taken = waiter.get(10, TimeUnit.SECONDS);
			assertThat(taken.decision()).isEqualTo("executed");
			assertThat(taken.result().ok()).isTrue();
			assertThat(runs).hasValue(1);
			assertThat(live.leases.getLease(key).state()).isEqualTo(LeaseState.COMPLETED);
			release.countDown();
		}
	}

	private static LocalTools counting() {
		return counting(new AtomicInteger());
	}

	private static LocalTools counting(AtomicInteger runs) {
		return new LocalTools().register("charge", (call) -> Map.of("charge", "ch_" + runs.incrementAndGet()));
	}

	/**
	 * A value whose serialisation fails, as an entity with an unloaded lazy field does.
	 */
	public static final class LazyEntity {

		public String getName() {
			throw new IllegalStateException("no session: the entity is detached");
		}

	}

	/**
	 * A governance engine on this test's stores, seen through a {@link FaultyLeaseStore},
	 * with its own heartbeats and recorded lease events.
	 */
	protected final class Governed implements AutoCloseable {

		final FaultyLeaseStore leases = new FaultyLeaseStore(AbstractGovernanceEngineTests.this.leases);

		final RecordingLeaseEvents events = new RecordingLeaseEvents();

		final GovernanceEngine engine;

		private final ExecutorService callers = Executors.newCachedThreadPool();

		private final Runnable cleanup;

		private final List<CountDownLatch> released = new ArrayList<>();

		Governed(LocalTools tools, GovernanceSettings settings) {
			this(tools, settings, new Heartbeats(null, null, System::nanoTime), null);
		}

		Governed(LocalTools tools, GovernanceSettings settings, Heartbeats heartbeats, Runnable cleanup) {
			this.engine = new GovernanceEngine(AbstractGovernanceEngineTests.this.store, this.leases, "", tools,
					settings, JsonMapper.builder().build(), null, System::nanoTime, heartbeats, this.events);
			this.cleanup = (cleanup != null) ? cleanup : heartbeats::close;
		}

		/**
		 * Opens {@code latch} when closed, so a held tool ends even if the test failed.
		 */
		Governed releasing(CountDownLatch latch) {
			this.released.add(latch);
			return this;
		}

		Future<ToolCallOutcome> async(ToolCallRequest call) {
			return this.callers.submit(() -> this.engine.call(call));
		}

		/**
		 * Waits for the calls still running (so none writes into the next test's data),
		 * then stops everything.
		 */
		@Override
		public void close() {
			this.released.forEach(CountDownLatch::countDown);
			this.callers.shutdown();
			try {
				assertThat(this.callers.awaitTermination(20, TimeUnit.SECONDS)).as("calls still running").isTrue();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.callers.shutdownNow();
				this.engine.close();
				this.cleanup.run();
			}
		}

	}

}
