package tech.onceonly.engine;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.client.ValidationException;
import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Engine behaviour beyond the backend contract: namespaces, limits, heartbeats and honest
 * refusals.
 */
class LocalOnceOnlyTests {

	private final MutableClock clock = MutableClock.startingAt2026();

	private final InMemoryStore store = new InMemoryStore(this.clock);

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void stopScheduler() {
		this.scheduler.shutdownNow();
	}

	private LocalOnceOnly engine(EngineSettings settings) {
		return new LocalOnceOnly(this.store, settings, JsonMapper.builder().build(), this.scheduler, System::nanoTime);
	}

	@Test
	void namespacesSharingAStoreShouldNotSeeEachOthersKeys() {
		LocalOnceOnly tenantA = engine(EngineSettings.defaults().withNamespace("t:a:"));
		LocalOnceOnly tenantB = engine(EngineSettings.defaults().withNamespace("t:b:"));
		assertThat(tenantA.checkLock("order-1").locked()).isTrue();
		assertThat(tenantB.checkLock("order-1").locked()).isTrue();
		assertThat(tenantA.checkLock("order-1").duplicate()).isTrue();
		assertThat(tenantA.checkLock("order-1").key()).isEqualTo("order-1");
	}

	@Test
	void ttlAboveTheConfiguredMaximumShouldBeRejectedNotClamped() {
		LocalOnceOnly engine = engine(
				EngineSettings.defaults().withTtls(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofHours(1)));
		assertThatThrownBy(() -> engine.checkLock("k", Duration.ofHours(2))).isInstanceOf(ValidationException.class)
			.hasMessageContaining("at most 3600 s");
	}

	@Test
	void checkLockWithoutTtlShouldUseTheDefault() {
		LocalOnceOnly engine = engine(EngineSettings.defaults());
		assertThat(engine.checkLock("k").ttl()).isEqualTo(3600);
		this.clock.advance(Duration.ofMinutes(59));
		assertThat(engine.checkLock("k").duplicate()).isTrue();
		this.clock.advance(Duration.ofMinutes(2));
		assertThat(engine.checkLock("k").locked()).isTrue();
	}

	@Test
	void heartbeatShouldExtendTheLeaseWhileTheFunctionRuns() {
		LocalOnceOnly engine = engine(EngineSettings.defaults());
		RunFnOptions options = RunFnOptions.defaults()
			.withTtl(Duration.ofSeconds(30))
			.withExtendEvery(Duration.ofSeconds(1));
		AiResult result = engine.ai().runFn("long-job", () -> {
			LeaseRecord before = this.store.getLease("long-job");
			this.clock.advance(Duration.ofSeconds(20));
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (!this.store.getLease("long-job").expiresAt().isAfter(before.expiresAt())) {
				assertThat(System.nanoTime()).as("a heartbeat within 10 s").isLessThan(deadline);
				Thread.onSpinWait();
			}
			this.clock.advance(Duration.ofSeconds(20));
			assertThat(this.store.getLease("long-job").isHeld()).as("lease kept alive past its first ttl").isTrue();
			return Map.of("done", true);
		}, options);
		assertThat(result.status()).isEqualTo("completed");
	}

	@Test
	void undeclaredCheckedExceptionShouldStillReleaseTheLease() {
		LocalOnceOnly engine = engine(EngineSettings.defaults());
		RunFnOptions release = RunFnOptions.defaults().withFailure("fn_error", (ex) -> false);
		assertThatThrownBy(
				() -> engine.ai().runFn("sneaky", () -> sneakyThrow(new java.io.IOException("disk")), release))
			.isInstanceOf(java.io.IOException.class);
		assertThat(engine.ai().status("sneaky").status()).isEqualTo("released");
		assertThat(engine.ai().runFn("sneaky", () -> Map.of("n", 2), release).result()).containsEntry("n", 2);
	}

	@SuppressWarnings("unchecked")
	private static <T extends Throwable> Object sneakyThrow(Throwable ex) throws T {
		throw (T) ex;
	}

	@Test
	@SuppressWarnings("unchecked")
	void dailyMetricsShouldCountTodaysChecksAndLeases() {
		LocalOnceOnly engine = engine(EngineSettings.defaults());
		engine.checkLock("m-1");
		engine.checkLock("m-1");
		engine.ai().lease("m-2", null, null);
		engine.ai().lease("m-2", null, null);
		String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
		String yesterday = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString();
		Map<String, Object> metrics = engine.metrics(yesterday, today);
		assertThat(metrics).containsEntry("from_day", yesterday).containsEntry("to_day", today);
		java.util.List<Map<String, Object>> days = (java.util.List<Map<String, Object>>) metrics.get("days");
		assertThat(days).extracting((day) -> day.get("day")).containsExactly(yesterday, today);
		assertThat((Map<String, Object>) days.get(1).get("make")).containsEntry("requests", 2L)
			.containsEntry("charged", 1L)
			.containsEntry("blocked", 1L);
		assertThat((Map<String, Object>) days.get(1).get("ai")).containsEntry("requests", 2L)
			.containsEntry("charged", 1L)
			.containsEntry("polling", 1L);
		assertThat((Map<String, Object>) days.get(0).get("make")).containsEntry("requests", 0L);
	}

	@Test
	void dailyMetricsShouldRejectMalformedAndReversedRanges() {
		LocalOnceOnly engine = engine(EngineSettings.defaults());
		assertThatThrownBy(() -> engine.metrics("2026-13-01", "2026-12-01")).isInstanceOf(ValidationException.class)
			.hasMessageContaining("from_day must be a day as YYYY-MM-DD");
		assertThatThrownBy(() -> engine.metrics("2026-03-02", "2026-03-01")).isInstanceOf(ValidationException.class)
			.hasMessageContaining("before from_day");
		assertThatThrownBy(() -> engine.metrics("2025-01-01", "2026-03-01")).isInstanceOf(ValidationException.class)
			.hasMessageContaining("366");
	}

	@Test
	void releaseLockShouldFreeAStuckKey() {
		LocalOnceOnly engine = engine(EngineSettings.defaults());
		engine.checkLock("stuck", Duration.ofDays(1));
		assertThat(engine.releaseLock("stuck")).isTrue();
		assertThat(engine.checkLock("stuck").locked()).isTrue();
	}

	@Test
	void deleteLeaseShouldLetTheWorkRunAgain() {
		LocalOnceOnly engine = engine(EngineSettings.defaults());
		engine.ai().runFn("job", () -> Map.of("n", 1), RunFnOptions.defaults());
		assertThat(engine.deleteLease("job")).isTrue();
		AiResult again = engine.ai().runFn("job", () -> Map.of("n", 2), RunFnOptions.defaults());
		assertThat(again.result()).containsEntry("n", 2);
	}

	@Test
	void runFnResultShouldCarryTheStoreTimeOfCompletion() {
		LocalOnceOnly engine = engine(EngineSettings.defaults());
		AiResult result = engine.ai().runFn("job", () -> null, RunFnOptions.defaults());
		assertThat(result.doneAt()).isEqualTo(this.clock.instant().toString());
		assertThat(result.result()).isNull();
	}

	@Test
	void metadataShouldBeMeasuredInUtf8Bytes() {
		LocalOnceOnly engine = engine(EngineSettings.defaults());
		assertThatThrownBy(() -> engine.ai().lease("k", null, Map.of("big", "é".repeat(1100))))
			.isInstanceOf(ValidationException.class)
			.hasMessageContaining("bytes");
	}

}
