package tech.onceonly.engine.governance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.AiRun;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.NotificationPreferences;
import tech.onceonly.client.RunEvent;
import tech.onceonly.client.ValidationException;
import tech.onceonly.client.WaitOptions;
import tech.onceonly.client.WireMaps;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.GovernanceTestClock;
import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.memory.InMemoryGovernanceStore;
import tech.onceonly.store.memory.InMemoryStore;

import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Server-side runs, timelines, events and the local answers of usage and me. */
class ServerRunTests {

	private final GovernanceTestClock clock = new GovernanceTestClock(Instant.parse("2026-03-10T10:15:00Z"));

	private final List<String> sent = new ArrayList<>();

	private LocalOnceOnly engine;

	@BeforeEach
	void start() {
		LocalTools tools = new LocalTools().register("send_email", (call) -> {
			synchronized (this.sent) {
				this.sent.add((String) call.args().get("to"));
			}
			return Map.of("sent", true);
		});
		this.engine = LocalOnceOnly.builder(new InMemoryStore(this.clock))
			.governanceStore(new InMemoryGovernanceStore(this.clock))
			.localTools(tools)
			.build();
	}

	@AfterEach
	void stop() {
		this.engine.close();
	}

	private static WaitOptions quickWait() {
		return WaitOptions.defaults()
			.withTimeout(Duration.ofSeconds(20))
			.withPoll(Duration.ofMillis(5), Duration.ofMillis(20));
	}

	private static Map<String, Object> action(String tool, Map<String, Object> args) {
		return Map.of("tool", tool, "args", args);
	}

	@Test
	void runShouldExecuteItsActionsAndWriteACompleteTimeline() {
		this.engine.gov().upsertPolicy("bot", Map.of("blocked_tools", List.of("refund")));
		Map<String, Object> metadata = Map.of("agent_id", "bot", "actions",
				List.of(action("send_email", Map.of("to", "a")), action("refund", Map.of("id", 1)),
						action("send_email", Map.of("to", "a")), Map.of("nothing", true)));
		AiResult result = this.engine.ai().runAndWait("job:1", null, metadata, "run-1", quickWait());
		assertThat(result.status()).isEqualTo("completed");
		assertThat(this.sent).containsExactly("a");
		assertThat(result.result()).containsEntry("run_id", "run-1")
			.containsEntry("agent_id", "bot")
			.containsEntry("actions_total", 4)
			.containsEntry("actions_run", 4)
			.containsEntry("executed", 1)
			.containsEntry("blocked", 1)
			.containsEntry("dedup", 1);
		Map<String, Object> timeline = this.engine.getRunTimeline("run-1", 200, 0);
		assertThat(timeline).containsEntry("run_id", "run-1").containsEntry("total", 9L);
		List<Map<String, Object>> events = WireMaps.rows(Map.of("data", timeline.get("events")));
		assertThat(events).extracting((e) -> e.get("type"))
			.containsExactly("run_started", "tool_call", "tool_result", "tool_call", "tool_result", "tool_call",
					"tool_result", "tool_result", "run_finished");
		assertThat(events).extracting((e) -> e.get("status"))
			.containsExactly("started", "started", "ok", "started", "blocked", "started", "ok", "error", "completed");
		assertThat(events.get(4)).containsEntry("tool", "refund").containsEntry("step", "2");
		assertThat(WireMaps.object(events.get(4), "data")).containsEntry("policy_reason", "tool_explicitly_blocked");
		assertThat(events).allSatisfy((e) -> assertThat(e).containsKeys("id", "ts", "run_id"));
		assertThat(this.engine.getRunTimeline("run-1", 2, 7)).extracting((t) -> ((List<?>) t.get("events")).size())
			.isEqualTo(2);
		assertThat(this.engine.gov().agentLogs("bot", 10))
			.allSatisfy((log) -> assertThat(log.raw()).containsEntry("run_id", "run-1"));
	}

	@Test
	void runShouldBeStartedOnceAndJoinedAfterwards() {
		Map<String, Object> metadata = Map.of("agent_id", "bot", "actions",
				List.of(action("send_email", Map.of("to", "b"))));
		AiRun first = (AiRun) this.engine.ai().run("job:2", null, metadata, null);
		assertThat(first.status()).isEqualTo("acquired");
		AiResult done = this.engine.ai().waitFor("job:2", quickWait());
		assertThat(done.status()).isEqualTo("completed");
		AiRun again = (AiRun) this.engine.ai().run("job:2", null, metadata, null);
		assertThat(again.status()).isEqualTo("completed");
		assertThat(this.sent).containsExactly("b");
		assertThat(this.engine.getRunTimeline("job:2", 200, 0)).containsEntry("total", 4L);
	}

	@Test
	void dryRunShouldRecordActionsWithoutExecutingThem() {
		Map<String, Object> metadata = Map.of("agent_id", "bot", "dry_run", true, "actions",
				List.of(action("send_email", Map.of("to", "c"))));
		AiResult result = this.engine.ai().runAndWait("job:3", null, metadata, "run-3", quickWait());
		assertThat(result.status()).isEqualTo("completed");
		assertThat(result.result()).containsEntry("dry_run", true);
		assertThat(this.sent).isEmpty();
		assertThat(this.engine.gov().agentLogs("bot", 10)).isEmpty();
	}

	@Test
	void disabledAgentShouldFailTheRun() {
		this.engine.gov().disableAgent("bot", "stop");
		Map<String, Object> metadata = Map.of("agent_id", "bot", "actions",
				List.of(action("send_email", Map.of("to", "d")), action("send_email", Map.of("to", "e"))));
		AiResult result = this.engine.ai().runAndWait("job:4", null, metadata, "run-4", quickWait());
		assertThat(result.status()).isEqualTo("failed");
		assertThat(result.errorCode()).isEqualTo("agent_disabled");
		assertThat(this.sent).isEmpty();
		assertThat(this.engine.getRunTimeline("run-4", 200, 0)).containsEntry("total", 4L);
	}

	@Test
	void runWithActionsButNoAgentShouldFail() {
		AiResult result = this.engine.ai()
			.runAndWait("job:5", null, Map.of("actions", List.of(action("send_email", Map.of()))), null, quickWait());
		assertThat(result.errorCode()).isEqualTo("missing_agent_id");
	}

	@Test
	void onlyTheFirstFiftyActionsShouldRun() {
		List<Object> actions = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			actions.add(action("send_email", Map.of("to", "n" + i)));
		}
		AiResult result = this.engine.ai()
			.runAndWait("job:6", null, Map.of("agent_id", "bot", "actions", actions), null, quickWait());
		assertThat(result.result()).containsEntry("actions_total", 60).containsEntry("actions_run", 50);
		assertThat(this.sent).hasSize(50);
	}

	@Test
	void blankRunIdShouldBeRejected() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.engine.ai().run("job:7", null, null, "   "))
			.withMessage("run_id must not be empty");
	}

	@Test
	void postedEventsShouldJoinTheTimelineAndTheRecentEvents() {
		Map<String, Object> posted = this.engine.postEvent(new RunEvent(" run_1 ", "tool_result", null, "ok", 120L,
				null, "search", null, null, "bot", null, Map.of("duration", 120), Map.of("extra_field", "x")));
		assertThat(posted).containsEntry("ok", true).containsEntry("run_id", "run_1").containsKey("event_id");
		this.clock.advance(Duration.ofSeconds(5));
		this.engine.postEvent(RunEvent.of("run_2", "sdk_debug"));
		Map<String, Object> timeline = this.engine.getRunTimeline("run_1", 200, 0);
		Map<String, Object> event = WireMaps.rows(Map.of("data", timeline.get("events"))).get(0);
		assertThat(event).containsEntry("type", "tool_result")
			.containsEntry("extra_field", "x")
			.containsEntry("duration_ms", 120)
			.containsEntry("ts", 1773137700);
		List<Map<String, Object>> recent = WireMaps.rows(this.engine.events(50, 0));
		assertThat(recent).extracting((e) -> e.get("run_id")).containsExactly("run_2", "run_1");
		assertThat(WireMaps.rows(this.engine.events(50, 1))).hasSize(1);
	}

	@Test
	void eventAndTimelineArgumentsShouldBeValidated() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.engine.postEvent(RunEvent.of(" ", "x")))
			.withMessage("run_id must not be empty");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.engine.postEvent(RunEvent.of("r", "")))
			.withMessage("type must not be empty");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.engine.getRunTimeline("  ", 10, 0))
			.withMessage("run_id must not be empty");
		assertThatExceptionOfType(ValidationException.class).isThrownBy(() -> this.engine.getRunTimeline("r", 2001, 0));
		assertThat(this.engine.getRunTimeline("unknown", 10, 0)).containsEntry("total", 0L);
	}

	@Test
	void usageAndMeShouldAnswerForLocalMode() {
		this.engine.checkLock("k1");
		this.engine.checkLock("k1");
		this.engine.ai().lease("l1", null, null);
		this.engine.ai().lease("l1", null, null);
		Map<String, Object> make = this.engine.usage("make");
		assertThat(make).containsEntry("plan", "local")
			.containsEntry("month", "2026-03")
			.containsEntry("usage", 1L)
			.containsEntry("requests_total_month", 2L)
			.containsEntry("blocked_total_month", 1L);
		Map<String, Object> all = this.engine.usageAll();
		assertThat(WireMaps.object(all, "ai")).containsEntry("usage", 1L).containsEntry("polling_total_month", 1L);
		assertThatExceptionOfType(ValidationException.class).isThrownBy(() -> this.engine.usage("other"));
		assertThat(this.engine.me()).containsEntry("plan", "local")
			.containsEntry("store", "memory")
			.containsEntry("tool_error_notifications_enabled", false);
		Map<String, Object> updated = this.engine.updateNotifications(new NotificationPreferences(null, true, null));
		assertThat(updated).containsEntry("tool_error_notifications_enabled", true)
			.containsEntry("email_notifications_enabled", false)
			.containsEntry("run_failure_notifications_enabled", false);
		assertThat(this.engine.me()).containsEntry("tool_error_notifications_enabled", true);
	}

	// ---- run leases under faults

	/** A tool that counts its runs and blocks its first run until {@code release}. */
	private static LocalTools holding(AtomicInteger runs, CountDownLatch entered, CountDownLatch release) {
		return new LocalTools().register("hold", (call) -> {
			if (runs.incrementAndGet() == 1) {
				entered.countDown();
				release.await(30, TimeUnit.SECONDS);
			}
			return Map.of("held", runs.get());
		}).register("send_email", (call) -> Map.of("sent", call.args().get("to")));
	}

	/** An engine whose leases and governance live in the given stores. */
	private static LocalOnceOnly local(FaultyLeaseStore leases, GovernanceStore governance, LocalTools tools) {
		return LocalOnceOnly.builder(leases).governanceStore(governance).localTools(tools).build();
	}

	/**
	 * Takes the run lease through {@code local} and starts the run on {@code workers}.
	 */
	private static void start(LocalOnceOnly local, GovernanceEngine workers, String key, Duration ttl,
			Map<String, Object> metadata) {
		AiRun lease = local.ai().lease(key, ttl, null);
		assertThat(lease.status()).isEqualTo("acquired");
		workers.startRun(local.ai(), key, lease.leaseId(), ttl, metadata);
	}

	private static GovernanceEngine workers(GovernanceStore governance, FaultyLeaseStore leases, LocalTools tools,
			GovernanceSettings settings, Heartbeats heartbeats, RecordingLeaseEvents events) {
		return new GovernanceEngine(governance, leases, "", tools, settings, JsonMapper.builder().build(), null,
				System::nanoTime, heartbeats, events);
	}

	@Test
	void runLeaseShouldBeHeartbeatedWhileQueuedAndWhileItsToolRunsSoResubmittingJoinsIt() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		LocalTools tools = holding(runs, entered, release);
		FaultyLeaseStore leases = new FaultyLeaseStore(new InMemoryStore(this.clock));
		InMemoryGovernanceStore governance = new InMemoryGovernanceStore(this.clock);
		RecordingLeaseEvents events = new RecordingLeaseEvents();
		GovernanceSettings settings = GovernanceSettings.defaults()
			.withRunWorkers(1)
			.withHeartbeatEvery(Duration.ofMillis(100));
		Duration ttl = Duration.ofSeconds(3);
		Map<String, Object> running = Map.of("agent_id", "bot", "actions", List.of(action("hold", Map.of())));
		Map<String, Object> queued = Map.of("agent_id", "bot", "actions",
				List.of(action("send_email", Map.of("to", "q"))));
		try (Heartbeats heartbeats = new Heartbeats(null, null, System::nanoTime);
				LocalOnceOnly local = local(leases, governance, tools);
				GovernanceEngine workers = workers(governance, leases, tools, settings, heartbeats, events)) {
			start(local, workers, "job:running", ttl, running);
			assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
			start(local, workers, "job:queued", ttl, queued);
			for (int i = 0; i < 3; i++) {
				this.clock.advance(Duration.ofSeconds(2));
				leases.awaitFreshHeartbeat("job:running");
				leases.awaitFreshHeartbeat("job:queued");
			}
			assertThat(local.ai().status("job:running").status()).isEqualTo("in_progress");
			assertThat(local.ai().status("job:queued").status()).isEqualTo("in_progress");
			assertThat(((AiRun) local.ai().run("job:queued", ttl, queued, null)).status()).isEqualTo("polling");
			assertThat(((AiRun) local.ai().run("job:running", ttl, running, null)).status()).isEqualTo("polling");
			release.countDown();
			assertThat(local.ai().waitFor("job:running", quickWait()).status()).isEqualTo("completed");
			AiResult done = local.ai().waitFor("job:queued", quickWait());
			assertThat(done.status()).isEqualTo("completed");
			assertThat(done.result()).containsEntry("executed", 1);
			assertThat(runs).hasValue(1);
			assertThat(events.events).isEmpty();
		}
	}

	@Test
	void runOfAWorkerThatDiedShouldBeTakenOverPromptlyWithTheInterruptedStepExecuted() throws Exception {
		AtomicInteger deadRuns = new AtomicInteger();
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		FaultyLeaseStore leases = new FaultyLeaseStore(new InMemoryStore(this.clock));
		InMemoryGovernanceStore governance = new InMemoryGovernanceStore(this.clock);
		AtomicInteger runs = new AtomicInteger();
		LocalTools tools = new LocalTools().register("hold", (call) -> Map.of("held", runs.incrementAndGet()));
		Duration ttl = Duration.ofSeconds(10);
		Map<String, Object> metadata = Map.of("agent_id", "bot", "run_id", "run-d", "actions",
				List.of(action("hold", Map.of("n", 1))));
		ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(1);
		try (Heartbeats stopped = new Heartbeats(ticker, new FrozenExecutor(), System::nanoTime);
				LocalOnceOnly local = local(leases, governance, tools);
				GovernanceEngine dead = workers(governance, new FaultyLeaseStore(leases),
						holding(deadRuns, entered, release), GovernanceSettings.defaults(), stopped,
						new RecordingLeaseEvents())) {
			start(local, dead, "job:d", ttl, metadata);
			assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
			// the worker's JVM died in the middle of the step: nothing renews its leases
			this.clock.advance(ttl.plusSeconds(1));
			AiResult result = local.ai().runAndWait("job:d", ttl, metadata, "run-d", quickWait());
			assertThat(result.status()).isEqualTo("completed");
			assertThat(result.result()).containsEntry("executed", 1).containsEntry("dedup", 0);
			assertThat(runs).hasValue(1);
			List<Map<String, Object>> events = WireMaps
				.rows(Map.of("data", local.getRunTimeline("run-d", 200, 0).get("events")));
			Map<String, Object> last = events.stream()
				.filter((e) -> "tool_result".equals(e.get("type")))
				.reduce((a, b) -> b)
				.orElseThrow();
			assertThat(last).containsEntry("status", "ok").containsEntry("step", "1");
			assertThat(WireMaps.object(last, "data")).containsEntry("decision", "executed");
			release.countDown();
		}
		finally {
			ticker.shutdownNow();
		}
	}

	@Test
	void lostRunLeaseShouldBeReportedAndStopTheRun() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		LocalTools tools = holding(runs, entered, release);
		InMemoryStore raw = new InMemoryStore(this.clock);
		FaultyLeaseStore leases = new FaultyLeaseStore(raw);
		InMemoryGovernanceStore governance = new InMemoryGovernanceStore(this.clock);
		RecordingLeaseEvents events = new RecordingLeaseEvents();
		GovernanceSettings settings = GovernanceSettings.defaults().withHeartbeatEvery(Duration.ofMillis(100));
		Map<String, Object> metadata = Map.of("agent_id", "bot", "run_id", "run-l", "actions",
				List.of(action("hold", Map.of()), action("send_email", Map.of("to", "z"))));
		try (Heartbeats heartbeats = new Heartbeats(null, null, System::nanoTime);
				LocalOnceOnly local = local(leases, governance, tools);
				GovernanceEngine workers = workers(governance, leases, tools, settings, heartbeats, events)) {
			start(local, workers, "job:l", Duration.ofMinutes(1), metadata);
			assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
			// another worker took the run over (this one was paused past its lease)
			raw.deleteLease("job:l");
			raw.acquireLease("job:l", Duration.ofMinutes(1), "other-worker", null);
			events.await("lost server_run job:l");
			release.countDown();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			List<Map<String, Object>> timeline;
			do {
				Thread.sleep(5);
				timeline = WireMaps.rows(Map.of("data", local.getRunTimeline("run-l", 200, 0).get("events")));
			}
			while (timeline.stream().noneMatch((e) -> "run_finished".equals(e.get("type")))
					&& System.nanoTime() - deadline < 0);
			assertThat(timeline).filteredOn((e) -> "run_finished".equals(e.get("type")))
				.singleElement()
				.satisfies((e) -> assertThat(e).containsEntry("status", "abandoned"));
			assertThat(timeline).noneMatch((e) -> "send_email".equals(e.get("tool")));
			LeaseRecord lease = raw.getLease("job:l");
			assertThat(lease.leaseId()).isEqualTo("other-worker");
			assertThat(events.events).containsExactly("lost server_run job:l");
		}
	}

}
