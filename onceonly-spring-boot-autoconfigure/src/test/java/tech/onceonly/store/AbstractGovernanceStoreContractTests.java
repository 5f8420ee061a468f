package tech.onceonly.store;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link GovernanceStore} passes. A backend's test is a short subclass
 * that creates its store on the given clock (or shifts its own clock to it).
 */
public abstract class AbstractGovernanceStoreContractTests {

	protected static final Instant START = Instant.parse("2026-03-10T10:15:00Z");

	protected GovernanceTestClock clock;

	protected GovernanceStore store;

	/** A fresh, empty store whose time follows {@code clock}. */
	protected abstract GovernanceStore createStore(GovernanceTestClock clock);

	@BeforeEach
	void setUpStore() {
		this.clock = new GovernanceTestClock(START);
		this.store = createStore(this.clock);
	}

	private UsageRequest usage(String agent, String tool, long spend, UsageLimits limits) {
		Instant now = this.store.now();
		return new UsageRequest(agent, tool, now.truncatedTo(ChronoUnit.HOURS),
				LocalDate.ofInstant(now, java.time.ZoneOffset.UTC), spend, limits);
	}

	@Test
	void policyPutGetListShouldRoundTrip() {
		this.store.putPolicy("b", "{\"max_actions_per_hour\":2}");
		this.store.putPolicy("a", "{}");
		this.store.putPolicy("b", "{\"max_actions_per_hour\":3}");
		assertThat(this.store.getPolicy("b").policyJson()).isEqualTo("{\"max_actions_per_hour\":3}");
		assertThat(this.store.getPolicy("missing")).isNull();
		assertThat(this.store.listPolicies()).extracting(PolicyRecord::agentId).containsExactly("a", "b");
	}

	@Test
	void agentDisableAndEnableShouldKeepReasonAndTimeOnlyWhileDisabled() {
		assertThat(this.store.getAgent("a").enabled()).isTrue();
		AgentState disabled = this.store.setAgentEnabled("a", false, "runaway");
		assertThat(disabled.enabled()).isFalse();
		assertThat(disabled.disabledReason()).isEqualTo("runaway");
		assertThat(this.store.getAgent("a").disabledAt()).isBetween(START, START.plusSeconds(5));
		AgentState enabled = this.store.setAgentEnabled("a", true, null);
		assertThat(enabled.enabled()).isTrue();
		assertThat(this.store.getAgent("a").disabledReason()).isNull();
		assertThat(this.store.getAgent("a").disabledAt()).isNull();
	}

	/**
	 * The kill switch has no gap: while operators re-disable an agent with new reasons,
	 * no reader ever sees it enabled, nor disabled without its time.
	 */
	@Test
	void reDisablingAnAgentShouldNeverShowItEnabledToConcurrentReaders() throws Exception {
		this.store.setAgentEnabled("a", false, "first");
		AtomicBoolean writing = new AtomicBoolean(true);
		ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
		AtomicInteger reads = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(8);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<?>> readers = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				readers.add(pool.submit(() -> {
					start.await();
					while (writing.get()) {
						AgentState state = this.store.getAgent("a");
						reads.incrementAndGet();
						if (state.enabled() || state.disabledAt() == null) {
							violations.add("read " + state + " while the agent is disabled");
						}
					}
					return null;
				}));
			}
			List<Future<?>> writers = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				int writer = t;
				writers.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < 150; i++) {
						this.store.setAgentEnabled("a", false, (i % 3 == 0) ? null : "reason " + writer + "-" + i);
					}
					return null;
				}));
			}
			start.countDown();
			try {
				for (Future<?> writer : writers) {
					writer.get(60, TimeUnit.SECONDS);
				}
			}
			finally {
				writing.set(false);
			}
			for (Future<?> reader : readers) {
				reader.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(reads.get()).isGreaterThan(100);
		assertThat(violations).isEmpty();
		assertThat(this.store.getAgent("a").enabled()).isFalse();
		this.store.setAgentEnabled("a", false, "last");
		this.store.setAgentEnabled("a", false, null);
		assertThat(this.store.getAgent("a").disabledReason()).as("a re-disable without reason keeps none").isNull();
	}

	@Test
	void reserveShouldNameTheFirstLimitHitAndReserveNothing() {
		UsageLimits limits = new UsageLimits(3L, 2L, 1_000_000L);
		assertThat(this.store.reserve(usage("a", "t", 400_000, limits))).isEqualTo(ReserveOutcome.RESERVED);
		assertThat(this.store.reserve(usage("a", "t", 400_000, limits))).isEqualTo(ReserveOutcome.RESERVED);
		assertThat(this.store.reserve(usage("a", "t", 0, limits)))
			.isEqualTo(ReserveOutcome.MAX_CALLS_PER_TOOL_EXCEEDED);
		assertThat(this.store.reserve(usage("a", "u", 400_000, limits)))
			.isEqualTo(ReserveOutcome.MAX_SPEND_USD_PER_DAY_EXCEEDED);
		assertThat(this.store.reserve(usage("a", "u", 200_000, limits))).isEqualTo(ReserveOutcome.RESERVED);
		assertThat(this.store.reserve(usage("a", "v", 0, limits)))
			.isEqualTo(ReserveOutcome.MAX_ACTIONS_PER_HOUR_EXCEEDED);
		assertThat(this.store.usage(usage("a", "t", 0, limits))).isEqualTo(new UsageSnapshot(3, 2, 1_000_000));
		assertThat(this.store.usage(usage("other", "t", 0, limits))).isEqualTo(new UsageSnapshot(0, 0, 0));
	}

	@Test
	void releaseShouldGiveBackWhatWasReserved() {
		UsageLimits limits = new UsageLimits(1L, null, 500_000L);
		UsageRequest request = usage("a", "t", 500_000, limits);
		assertThat(this.store.reserve(request)).isEqualTo(ReserveOutcome.RESERVED);
		this.store.release(request);
		assertThat(this.store.usage(request)).isEqualTo(new UsageSnapshot(0, 0, 0));
		assertThat(this.store.reserve(request)).isEqualTo(ReserveOutcome.RESERVED);
	}

	@Test
	void windowsShouldRollOverWithTheClock() {
		UsageLimits limits = new UsageLimits(1L, null, 100L);
		assertThat(this.store.reserve(usage("a", "t", 100, limits))).isEqualTo(ReserveOutcome.RESERVED);
		assertThat(this.store.reserve(usage("a", "t", 0, limits)))
			.isEqualTo(ReserveOutcome.MAX_ACTIONS_PER_HOUR_EXCEEDED);
		this.clock.advance(Duration.ofHours(1));
		assertThat(this.store.reserve(usage("a", "t", 1, limits)))
			.isEqualTo(ReserveOutcome.MAX_SPEND_USD_PER_DAY_EXCEEDED);
		assertThat(this.store.reserve(usage("a", "t", 0, limits))).isEqualTo(ReserveOutcome.RESERVED);
		this.clock.set(Instant.parse("2026-03-11T00:00:00Z"));
		assertThat(this.store.reserve(usage("a", "t", 100, limits))).isEqualTo(ReserveOutcome.RESERVED);
	}

	@Test
	void concurrentReservationsShouldNeverExceedTheBudget() throws Exception {
		UsageLimits limits = new UsageLimits(null, null, 10_000_000L);
		ExecutorService pool = Executors.newFixedThreadPool(32);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Integer>> futures = new ArrayList<>();
		for (int t = 0; t < 32; t++) {
			futures.add(pool.submit(() -> {
				start.await();
				int reserved = 0;
				for (int i = 0; i < 50; i++) {
					if (this.store.reserve(usage("a", "t", 70_000, limits)) == ReserveOutcome.RESERVED) {
						reserved++;
					}
				}
				return reserved;
			}));
		}
		start.countDown();
		int reserved = 0;
		for (Future<Integer> future : futures) {
			reserved += future.get(60, TimeUnit.SECONDS);
		}
		pool.shutdown();
		assertThat(reserved).isEqualTo(142);
		assertThat(this.store.usage(usage("a", "t", 0, limits)).spendMicrosToday()).isEqualTo(142 * 70_000L);
	}

	@Test
	void auditShouldListNewestFirstAndSummarizeAPeriod() {
		this.store
			.appendAudit(new AuditRecord(this.store.now(), "a", "x", "executed", "ok", "low", "h1", 1_500_000, null));
		this.clock.advance(Duration.ofMinutes(1));
		this.store.appendAudit(new AuditRecord(this.store.now(), "a", "y", "blocked", "tool_explicitly_blocked",
				"medium", "h2", 0, null));
		this.clock.advance(Duration.ofMinutes(1));
		this.store.appendAudit(
				new AuditRecord(this.store.now(), "a", "x", "dedup", "tool_idempotency", "low", "h1", 0, "run-1"));
		this.store.appendAudit(new AuditRecord(this.store.now(), "b", "x", "executed", "ok", "low", "h3", 7, null));
		assertThat(this.store.listAudit("a", 2)).extracting(AuditRecord::decision).containsExactly("dedup", "blocked");
		AuditSummary summary = this.store.summarizeAudit("a", START, this.store.now().plusSeconds(1), 10);
		assertThat(summary.totalActions()).isEqualTo(3);
		assertThat(summary.blockedActions()).isEqualTo(1);
		assertThat(summary.spendMicros()).isEqualTo(1_500_000);
		assertThat(summary.topTools()).containsExactly(new AuditSummary.ToolCount("x", 2),
				new AuditSummary.ToolCount("y", 1));
		assertThat(this.store.summarizeAudit("a", START.plusSeconds(60), this.store.now().plusSeconds(1), 10)
			.totalActions()).isEqualTo(2);
	}

	@Test
	void auditShouldBeForgottenAfterRetention() {
		this.store.appendAudit(new AuditRecord(this.store.now(), "a", "x", "executed", "ok", "low", "h", 0, null));
		this.clock.advance(Duration.ofDays(8));
		assertThat(this.store.listAudit("a", 10)).isEmpty();
	}

	@Test
	void toolsShouldUpsertKeepCreationTimeToggleAndDelete() {
		ToolRecord tool = new ToolRecord("global", "send_email", "http://x/a", "hmac_sha256", "secret-123", 15000, 2,
				true, null, null, START, START);
		this.store.putTool(tool);
		this.clock.advance(Duration.ofMinutes(5));
		ToolRecord replaced = this.store.putTool(new ToolRecord("global", "send_email", "http://x/b", "hmac_sha256",
				"secret-456", 1000, 0, true, "d", "high", START, START));
		assertThat(replaced.createdAt()).isBefore(replaced.updatedAt());
		assertThat(replaced.updatedAt()).isBetween(START.plus(Duration.ofMinutes(5)),
				START.plus(Duration.ofMinutes(5)).plusSeconds(5));
		assertThat(this.store.getTool("global", "send_email").url()).isEqualTo("http://x/b");
		assertThat(this.store.getTool("agent:a", "send_email")).isNull();
		this.store.putTool(new ToolRecord("global", "a_tool", "http://x/c", "hmac_sha256", "secret-789", 1000, 0, true,
				null, null, START, START));
		assertThat(this.store.listTools("global")).extracting(ToolRecord::name).containsExactly("a_tool", "send_email");
		assertThat(this.store.setToolEnabled("global", "send_email", false).enabled()).isFalse();
		assertThat(this.store.getTool("global", "send_email").enabled()).isFalse();
		assertThat(this.store.setToolEnabled("global", "missing", false)).isNull();
		assertThat(this.store.deleteTool("global", "send_email")).isTrue();
		assertThat(this.store.deleteTool("global", "send_email")).isFalse();
	}

	@Test
	void eventsShouldHaveIncreasingIdsAndPage() {
		EventRecord first = this.store.appendEvent("r1", "{\"type\":\"a\"}");
		EventRecord second = this.store.appendEvent("r2", "{\"type\":\"b\"}");
		EventRecord third = this.store.appendEvent("r1", "{\"type\":\"c\"}");
		assertThat(second.id()).isGreaterThan(first.id());
		assertThat(third.id()).isGreaterThan(second.id());
		assertThat(this.store.listRunEvents("r1", 10, 0)).extracting(EventRecord::eventJson)
			.containsExactly("{\"type\":\"a\"}", "{\"type\":\"c\"}");
		assertThat(this.store.listRunEvents("r1", 10, 1)).extracting(EventRecord::id).containsExactly(third.id());
		assertThat(this.store.countRunEvents("r1")).isEqualTo(2);
		assertThat(this.store.countRunEvents("none")).isZero();
		assertThat(this.store.listRecentEvents(2, 0)).extracting(EventRecord::id)
			.containsExactly(third.id(), second.id());
		assertThat(this.store.listRecentEvents(2, 2)).extracting(EventRecord::id).containsExactly(first.id());
	}

	@Test
	void eventsShouldBeForgottenAfterRetention() {
		this.store.appendEvent("r1", "{}");
		this.clock.advance(Duration.ofDays(8));
		assertThat(this.store.listRunEvents("r1", 10, 0)).isEmpty();
		assertThat(this.store.listRecentEvents(10, 0)).isEmpty();
	}

}
