package tech.onceonly.spring.observation;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import tech.onceonly.client.DelegatingOnceOnly;
import tech.onceonly.client.AiResult;
import tech.onceonly.client.AiRun;
import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.client.StaleLeaseException;
import tech.onceonly.client.ValidationException;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.client.WaitOptions;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The onceonly.client observation and the OnceOnly counters around a real local engine
 * and a stub remote.
 */
class ObservedOnceOnlyTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ObservationRegistry observations = ObservationRegistry.create();

	private final LocalOnceOnly engine = new LocalOnceOnly(new InMemoryStore());

	ObservedOnceOnlyTests() {
		this.observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.meters));
	}

	@AfterEach
	void close() {
		this.engine.close();
	}

	private ObservedOnceOnly observe(OnceOnly client) {
		return new ObservedOnceOnly(client, this.observations, null, new OnceOnlyMeters(this.meters, false, 100));
	}

	private long count(String operation, String outcome) {
		return this.meters.find("onceonly.client")
			.tag("operation", operation)
			.tag("outcome", outcome)
			.timers()
			.stream()
			.mapToLong((timer) -> timer.count())
			.sum();
	}

	@Test
	void checkLockShouldBeExecutedThenDuplicateWithLowCardinalityTags() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		OnceOnly client = new ObservedOnceOnly(this.engine, registry);
		assertThat(client.checkLock("order-1").shouldProceed()).isTrue();
		assertThat(client.checkLock("order-1").isDuplicate()).isTrue();
		assertThat(registry).hasNumberOfObservationsWithNameEqualTo("onceonly.client", 2)
			.hasAnObservation((observation) -> observation.hasContextualNameEqualTo("onceonly check_lock")
				.hasLowCardinalityKeyValue("operation", "check_lock")
				.hasLowCardinalityKeyValue("outcome", "executed")
				.hasLowCardinalityKeyValue("backend", "local")
				.hasLowCardinalityKeyValue("exception", "none"))
			.hasAnObservation((observation) -> observation.hasLowCardinalityKeyValue("outcome", "duplicate"));
	}

	@Test
	void runFnShouldBeExecutedForTheRunnerAndReplayedForRepeats() {
		OnceOnly client = observe(this.engine);
		AtomicInteger runs = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			AiResult result = client.ai()
				.runFn("report:q3", () -> Map.of("n", runs.incrementAndGet()), RunFnOptions.defaults());
			assertThat(result.result()).containsEntry("n", 1);
		}
		assertThat(count("run_fn", "executed")).isEqualTo(1);
		assertThat(count("run_fn", "replayed")).isEqualTo(2);
	}

	@Test
	void runFnWhoseFunctionThrowsShouldBeFailedWithTheExceptionName() {
		OnceOnly client = observe(this.engine);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> client.ai().runFn("boom", () -> {
			throw new IllegalStateException("no");
		}, RunFnOptions.defaults()));
		assertThat(this.meters.get("onceonly.client")
			.tags("operation", "run_fn", "outcome", "failed", "exception", "IllegalStateException")
			.timer()
			.count()).isEqualTo(1);
	}

	@Test
	void runFnWhileSomeoneElseHoldsTheLeaseShouldBeInProgress() {
		OnceOnly client = observe(this.engine);
		this.engine.ai().lease("busy", Duration.ofMinutes(1), null);
		AiResult result = client.ai()
			.runFn("busy", () -> Map.of(), RunFnOptions.defaults().withWaitOnConflict(false, WaitOptions.defaults()));
		assertThat(result.status()).isEqualTo("in_progress");
		assertThat(count("run_fn", "in_progress")).isEqualTo(1);
	}

	@Test
	void checkedExceptionThrownSneakilyShouldStillStopTheObservation() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		OnceOnly client = new ObservedOnceOnly(this.engine, registry);
		assertThatExceptionOfType(java.io.IOException.class)
			.isThrownBy(() -> client.ai().runFn("io", ObservedOnceOnlyTests::sneakyIo, RunFnOptions.defaults()));
		assertThat(registry).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("outcome", "failed")
			.hasLowCardinalityKeyValue("exception", "IOException")
			.hasBeenStopped();
		assertThat(registry.getCurrentObservation()).isNull();
	}

	private static Object sneakyIo() {
		return ObservedOnceOnlyTests.<RuntimeException>sneaky(new java.io.IOException("disk"));
	}

	@SuppressWarnings("unchecked")
	private static <E extends Throwable> Object sneaky(Throwable ex) throws E {
		throw (E) ex;
	}

	@Test
	void leaseShouldMapAcquiredPollingAndCompleted() {
		OnceOnly client = observe(this.engine);
		AiRun first = client.ai().lease("job", null, null);
		client.ai().lease("job", null, null);
		client.ai().complete("job", first.leaseId(), Map.of("ok", true), null);
		client.ai().lease("job", null, null);
		assertThat(count("lease", "executed")).isEqualTo(1);
		assertThat(count("lease", "in_progress")).isEqualTo(1);
		assertThat(count("lease", "replayed")).isEqualTo(1);
		assertThat(count("complete", "success")).isEqualTo(1);
	}

	@Test
	void errorsShouldBeRethrownUnchangedAndTaggedWithTheirSimpleName() {
		OnceOnly client = observe(this.engine);
		assertThatExceptionOfType(StaleLeaseException.class)
			.isThrownBy(() -> client.ai().extend("nobody", "lease-x", null));
		assertThatExceptionOfType(ValidationException.class).isThrownBy(() -> client.checkLock(""));
		assertThat(this.meters.get("onceonly.client")
			.tags("operation", "extend", "outcome", "error", "exception", "StaleLeaseException")
			.timer()
			.count()).isEqualTo(1);
		assertThat(this.meters.get("onceonly.client")
			.tags("operation", "check_lock", "outcome", "error", "exception", "ValidationException")
			.timer()
			.count()).isEqualTo(1);
	}

	@Test
	void failOpenCheckLockShouldBeTaggedAndCounted() {
		Map<String, Object> raw = new LinkedHashMap<>();
		raw.put("fail_open", true);
		raw.put("reason", "timeout");
		OnceOnly remote = new StubOnceOnly()
			.on("checkLock", (args) -> new CheckLockResult(true, false, (String) args[0], 0, null, "fail-open", 0, raw))
			.build();
		OnceOnly client = observe(remote);
		assertThat(client.checkLock("k").shouldProceed()).isTrue();
		assertThat(this.meters.get("onceonly.client")
			.tags("operation", "check_lock", "outcome", "fail_open", "backend", "remote")
			.timer()
			.count()).isEqualTo(1);
		assertThat(this.meters.get("onceonly.fail.open")
			.tags("operation", "check_lock", "reason", "timeout")
			.counter()
			.count()).isEqualTo(1.0);
	}

	@Test
	void runToolShouldBeTaggedWithTheDecisionAndCountedWithoutTheAgentByDefault() {
		OnceOnly client = observe(toolStub());
		client.ai().runTool(ToolCallRequest.of("agent-1", "send_email", Map.of("to", "a@b.c")));
		client.ai().runTool(ToolCallRequest.of("agent-1", "refund", null));
		assertThat(count("run_tool", "executed")).isEqualTo(1);
		assertThat(count("run_tool", "blocked")).isEqualTo(1);
		Meter blocked = this.meters.get("onceonly.governance.decisions")
			.tags("decision", "blocked", "reason", "tool_explicitly_blocked")
			.counter();
		assertThat(blocked.getId().getTag("agent")).isNull();
		assertThat(this.meters.get("onceonly.governance.decisions")
			.tags("decision", "executed", "reason", "ok")
			.counter()
			.count()).isEqualTo(1.0);
	}

	@Test
	void agentTagWhenEnabledShouldBeBoundedToMaxAgents() {
		OnceOnly client = new ObservedOnceOnly(toolStub(), this.observations, null,
				new OnceOnlyMeters(this.meters, true, 2));
		for (String agent : List.of("a1", "a2", "a3", "a4", "a1")) {
			client.ai().runTool(ToolCallRequest.of(agent, "send_email", null));
		}
		assertThat(this.meters.get("onceonly.governance.decisions").counters())
			.extracting((counter) -> counter.getId().getTag("agent"))
			.containsExactlyInAnyOrder("a1", "a2", "other");
		assertThat(this.meters.get("onceonly.governance.decisions").tag("agent", "other").counter().count())
			.isEqualTo(2.0);
	}

	@Test
	void keysAgentIdsAndArgumentsShouldNeverBeTagValues() {
		OnceOnly client = observe(this.engine);
		client.checkLock("secret-order-key");
		client.ai().runFn("secret-run-key", () -> "x", RunFnOptions.defaults());
		observe(toolStub()).ai().runTool(ToolCallRequest.of("secret-agent", "send_email", Map.of("to", "x@y.z")));
		for (Meter meter : this.meters.getMeters()) {
			for (Tag tag : meter.getId().getTags()) {
				assertThat(tag.getValue()).doesNotContain("secret").doesNotContain("x@y.z");
			}
		}
	}

	@Test
	void reactiveCallsShouldBeObservedOnSubscription() {
		OnceOnly client = observe(this.engine);
		AtomicInteger runs = new AtomicInteger();
		Mono<AiResult> once = client.reactive()
			.ai()
			.runFn("mono-key", () -> Mono.fromSupplier(() -> Map.of("n", runs.incrementAndGet())),
					RunFnOptions.defaults());
		assertThat(count("run_fn", "executed")).isZero();
		once.block();
		once.block();
		client.reactive().checkLock("mono-lock", null, null, null).block();
		assertThat(runs).hasValue(1);
		assertThat(count("run_fn", "executed")).isEqualTo(1);
		assertThat(count("run_fn", "replayed")).isEqualTo(1);
		assertThat(count("check_lock", "executed")).isEqualTo(1);
	}

	@Test
	void reactiveCallsShouldBeValidObservationsInTheTestRegistry() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		OnceOnly client = new ObservedOnceOnly(this.engine, registry);
		client.reactive().ai().lease("lease-mono", null, null).block();
		assertThat(registry).hasSingleObservationThat()
			.hasNameEqualTo("onceonly.client")
			.hasLowCardinalityKeyValue("operation", "lease")
			.hasLowCardinalityKeyValue("outcome", "executed")
			.hasBeenStopped();
	}

	@Test
	void throwingObservationHandlerShouldNeverBreakTheCall() {
		ObservationRegistry broken = ObservationRegistry.create();
		broken.observationConfig().observationHandler(new ThrowingHandler());
		OnceOnly client = new ObservedOnceOnly(this.engine, broken, null, null);
		assertThat(client.checkLock("still-works").shouldProceed()).isTrue();
		assertThat(client.ai().runFn("fn", () -> Map.of("a", 1), RunFnOptions.defaults()).isCompleted()).isTrue();
		assertThat(client.reactive().checkLock("mono", null, null, null).block().shouldProceed()).isTrue();
		assertThatExceptionOfType(StaleLeaseException.class)
			.isThrownBy(() -> client.ai().cancel("nobody", "lease-x", null));
	}

	@Test
	void throwingMeterRegistryShouldNeverBreakTheCall() {
		MeterRegistry broken = new ThrowingMeterRegistry();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(broken));
		Map<String, Object> raw = Map.of("fail_open", true, "reason", "api_5xx");
		OnceOnly remote = new StubOnceOnly()
			.on("checkLock", (args) -> new CheckLockResult(true, false, (String) args[0], 0, null, "fail-open", 0, raw))
			.on("runTool", (args) -> AiToolResult.fromRaw(Map.of("ok", true, "allowed", true, "decision", "executed")))
			.build();
		OnceOnly client = new ObservedOnceOnly(remote, registry, null, new OnceOnlyMeters(broken, true, 10));
		assertThat(client.checkLock("k").isFailOpen()).isTrue();
		assertThat(client.ai().runTool(ToolCallRequest.of("a", "t", null)).decision()).isEqualTo("executed");
	}

	@Test
	void governanceShouldNotBeTouchedUntilCalled() {
		OnceOnly client = observe(this.engine);
		assertThat(client.gov()).isNotNull();
		assertThat(client.reactive().gov()).isNotNull();
		assertThat(client.backend().kind().tag()).isEqualTo("local");
		assertThat(((DelegatingOnceOnly) client).delegate()).isSameAs(this.engine);
	}

	private static OnceOnly toolStub() {
		return new StubOnceOnly().on("runTool", (args) -> {
			ToolCallRequest call = (ToolCallRequest) args[0];
			boolean blocked = call.tool().equals("refund");
			Map<String, Object> raw = new LinkedHashMap<>();
			raw.put("ok", true);
			raw.put("allowed", !blocked);
			raw.put("decision", blocked ? "blocked" : "executed");
			raw.put("policy_reason", blocked ? "tool_explicitly_blocked" : "ok");
			return AiToolResult.fromRaw(raw);
		}).build();
	}

	/** An observation handler that fails at every step. */
	static final class ThrowingHandler implements ObservationHandler<Observation.Context> {

		@Override
		public void onStart(Observation.Context context) {
			throw new IllegalStateException("handler start");
		}

		@Override
		public void onError(Observation.Context context) {
			throw new IllegalStateException("handler error");
		}

		@Override
		public void onScopeOpened(Observation.Context context) {
			throw new IllegalStateException("handler scope");
		}

		@Override
		public void onStop(Observation.Context context) {
			throw new IllegalStateException("handler stop");
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

	/** A meter registry whose every meter creation fails. */
	static final class ThrowingMeterRegistry extends SimpleMeterRegistry {

		@Override
		protected Counter newCounter(Meter.Id id) {
			throw new IllegalStateException("counter");
		}

		@Override
		protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
			throw new IllegalStateException("timer");
		}

		@Override
		protected LongTaskTimer newLongTaskTimer(Meter.Id id, DistributionStatisticConfig config) {
			throw new IllegalStateException("long task timer");
		}

	}

}
