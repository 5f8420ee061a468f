package tech.onceonly.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine answers typed records; their {@code raw()} (what the server sends) keeps the
 * OnceOnly API's field names, order and explicit nulls, and reads back into the same
 * record.
 */
class LeaseAnswersTests {

	private final LocalOnceOnly engine = new LocalOnceOnly(new InMemoryStore(MutableClock.startingAt2026()));

	@AfterEach
	void close() {
		this.engine.close();
	}

	@Test
	void acquiredAndPollingLeasesHaveTheLeaseShape() {
		AiRun acquired = this.engine.ai().lease("k", Duration.ofSeconds(30), null);
		assertThat(keys(acquired.raw())).containsExactly("ok", "status", "key", "ttl", "ttl_left", "lease_id",
				"version", "first_seen_at", "retry_after_sec", "charged");
		assertThat(acquired.raw()).containsEntry("status", "acquired")
			.containsEntry("ttl", 30L)
			.containsEntry("lease_id", acquired.leaseId())
			.containsEntry("retry_after_sec", null)
			.containsEntry("charged", 1);
		AiRun polling = this.engine.ai().lease("k", Duration.ofSeconds(30), null);
		assertThat(keys(polling.raw())).isEqualTo(keys(acquired.raw()));
		assertThat(polling.raw()).containsEntry("status", "polling")
			.containsEntry("lease_id", null)
			.containsEntry("retry_after_sec", 5L)
			.containsEntry("charged", 0);
		assertThat(polling.leaseStatus()).isEqualTo(LeaseStatus.POLLING);
		assertRoundTrip(acquired);
		assertRoundTrip(polling);
	}

	@Test
	void aLeaseOfFinishedWorkHasTheTerminalShape() {
		AiRun lease = this.engine.ai().lease("k", Duration.ofSeconds(30), null);
		this.engine.ai().fail("k", lease.leaseId(), "declined", null);
		AiRun again = this.engine.ai().lease("k", Duration.ofSeconds(30), null);
		assertThat(keys(again.raw())).containsExactly("ok", "status", "key", "lease_id", "version", "first_seen_at",
				"done_at", "result_hash", "error_code", "result", "charged");
		assertThat(again.raw()).containsEntry("status", "failed")
			.containsEntry("error_code", "declined")
			.containsEntry("result", null);
		assertThat(again.carriesResult()).as("failed work carries its (null) result too").isTrue();
		assertThat(again.ttl()).isNull();
		assertRoundTrip(again);
	}

	@Test
	void aLeaseOfCompletedWorkCarriesTheStoredResultSoAReplayNeedsNoSecondRead() {
		AiRun lease = this.engine.ai().lease("done", Duration.ofSeconds(30), null);
		this.engine.ai().complete("done", lease.leaseId(), Map.of("charge_id", "ch_1"), "h1");
		AiRun again = this.engine.ai().lease("done", Duration.ofSeconds(30), null);
		assertThat(again.result()).isEqualTo(Map.of("charge_id", "ch_1"));
		assertThat(again.carriesResult()).isTrue();
		assertThat(lease.carriesResult()).as("an acquired lease carries no result").isFalse();
		Map<String, Object> withoutResult = new java.util.LinkedHashMap<>(again.raw());
		withoutResult.remove("result");
		assertThat(AiRun.fromRaw(withoutResult).carriesResult())
			.as("an API answer without the field must be read back with a second call")
			.isFalse();
		assertThat(again.raw()).containsEntry("status", "completed")
			.containsEntry("result", Map.of("charge_id", "ch_1"));
		assertRoundTrip(again);
	}

	@Test
	void statusHasOneShapePerState() {
		assertThat(this.engine.ai().status("none").raw()).containsExactly(Map.entry("ok", false),
				Map.entry("status", "not_found"), Map.entry("key", "none"));
		AiRun lease = this.engine.ai().lease("k", Duration.ofSeconds(30), null);
		AiStatus held = this.engine.ai().status("k");
		assertThat(keys(held.raw())).containsExactly("ok", "status", "key", "ttl_left", "lease_id", "version",
				"first_seen_at", "done_at", "result_hash", "error_code", "retry_after_sec");
		assertThat(held.raw()).containsEntry("status", "in_progress").containsEntry("lease_id", null);
		this.engine.ai().complete("k", lease.leaseId(), Map.of("a", 1), "h1");
		AiStatus done = this.engine.ai().status("k");
		assertThat(keys(done.raw())).containsExactly("ok", "status", "key", "lease_id", "version", "first_seen_at",
				"done_at", "result_hash", "error_code", "ttl_left", "retry_after_sec");
		assertThat(done.raw()).containsEntry("ttl_left", 0).containsEntry("result_hash", "h1");
		assertThat(AiStatus.fromRaw(done.raw())).isEqualTo(done);
		assertThat(AiStatus.fromRaw(held.raw())).isEqualTo(held);
	}

	@Test
	void resultHasTheStoredFieldsOnlyOnceTerminal() {
		AiRun lease = this.engine.ai().lease("k", Duration.ofSeconds(30), null);
		Map<String, Object> running = this.engine.ai().result("k").raw();
		assertThat(keys(running)).containsExactly("ok", "status", "key", "result");
		assertThat(running).containsEntry("ok", false)
			.containsEntry("status", "in_progress")
			.containsEntry("result", null);
		this.engine.ai().complete("k", lease.leaseId(), Map.of("a", 1), null);
		AiResult done = this.engine.ai().result("k");
		assertThat(keys(done.raw())).containsExactly("ok", "status", "key", "result", "result_hash", "error_code",
				"done_at");
		assertThat(AiResult.fromRaw(done.raw())).isEqualTo(done);
		assertThat(LeaseAnswers.wire(done)).isEqualTo(done.raw());
	}

	@Test
	void leaseChangesHaveOneShapePerOperation() {
		AiRun first = this.engine.ai().lease("e", Duration.ofSeconds(30), null);
		LeaseChange extended = this.engine.ai().extend("e", first.leaseId(), Duration.ofSeconds(60));
		assertThat(keys(extended.raw())).containsExactly("ok", "status", "key", "ttl", "version");
		assertThat(extended.leaseStatus()).isEqualTo(LeaseStatus.EXTENDED);
		assertThat(extended.ttl()).isEqualTo(60L);
		LeaseChange completed = this.engine.ai().complete("e", first.leaseId(), Map.of("a", 1), "h");
		assertThat(keys(completed.raw())).containsExactly("ok", "status", "key", "done_at", "result_hash");
		assertThat(completed.resultHash()).isEqualTo("h");
		AiRun second = this.engine.ai().lease("f", Duration.ofSeconds(30), null);
		LeaseChange failed = this.engine.ai().fail("f", second.leaseId(), "declined", null);
		assertThat(keys(failed.raw())).containsExactly("ok", "status", "key", "done_at", "error_code");
		AiRun third = this.engine.ai().lease("g", Duration.ofSeconds(30), null);
		LeaseChange released = this.engine.ai().cancel("g", third.leaseId(), "user left");
		assertThat(keys(released.raw())).containsExactly("ok", "status", "key", "reason");
		AiRun fourth = this.engine.ai().lease("g", Duration.ofSeconds(30), null);
		assertThat(keys(this.engine.ai().cancel("g", fourth.leaseId(), null).raw())).containsExactly("ok", "status",
				"key");
		for (LeaseChange change : List.of(extended, completed, failed, released)) {
			assertThat(LeaseChange.fromRaw(change.raw())).isEqualTo(change);
		}
	}

	@Test
	void checkLockKeepsItsShapeAndEchoesMetadata() {
		CheckLockResult locked = this.engine.checkLock("c", Duration.ofSeconds(60), Map.of("who", "me"), "r-1");
		assertThat(keys(locked.raw())).containsExactly("success", "status", "key", "ttl", "first_seen_at", "metadata");
		assertThat(locked.raw()).containsEntry("status", "locked").containsEntry("first_seen_at", null);
		CheckLockResult duplicate = this.engine.checkLock("c", Duration.ofSeconds(60), null, "r-2");
		assertThat(keys(duplicate.raw())).containsExactly("success", "status", "key", "ttl", "first_seen_at");
		assertThat(duplicate.raw()).containsEntry("status", "duplicate")
			.containsEntry("first_seen_at", duplicate.firstSeenAt());
		assertThat(duplicate.isFailOpen()).isFalse();
	}

	@Test
	void rawMapsAreReadOnly() {
		AiRun lease = this.engine.ai().lease("k", Duration.ofSeconds(30), null);
		Map<String, Object> raw = lease.raw();
		assertThatThrownBy(() -> raw.put("status", "completed")).isInstanceOf(UnsupportedOperationException.class);
		assertThat(lease.status()).isEqualTo("acquired");
	}

	@Test
	void lazyRawMapsAreSafeToReadFromManyThreads() throws Exception {
		AiRun lease = this.engine.ai().lease("k", Duration.ofSeconds(30), null);
		List<Thread> threads = new ArrayList<>();
		List<Map<String, Object>> seen = Collections.synchronizedList(new ArrayList<>());
		for (int i = 0; i < 8; i++) {
			Thread thread = new Thread(() -> seen.add(new LinkedHashMap<>(lease.raw())));
			threads.add(thread);
			thread.start();
		}
		for (Thread thread : threads) {
			thread.join(10_000);
		}
		assertThat(seen).hasSize(8).allSatisfy((map) -> assertThat(map).isEqualTo(lease.raw()));
	}

	@Test
	void resultAsReadsValuesObjectsAndNullsAndRefusesUnfinishedWork() {
		AiResult text = this.engine.ai().runFn("v1", () -> "hello", RunFnOptions.defaults());
		assertThat(text.resultAs(String.class)).isEqualTo("hello");
		AiResult number = this.engine.ai().runFn("v2", () -> 42, RunFnOptions.defaults());
		assertThat(number.resultAs(Integer.class)).isEqualTo(42);
		AiResult list = this.engine.ai().runFn("v3", () -> List.of("a", "b"), RunFnOptions.defaults());
		assertThat(list.resultAs(List.class)).isEqualTo(List.of("a", "b"));
		AiResult map = this.engine.ai().runFn("v4", () -> Map.of("value", 7), RunFnOptions.defaults());
		assertThat(map.resultAs(Map.class)).isEqualTo(Map.of("value", 7));
		AiResult none = this.engine.ai().runFn("v5", () -> null, RunFnOptions.defaults());
		assertThat(none.isCompleted()).isTrue();
		assertThat(none.resultAs(String.class)).isNull();
		AiResult custom = this.engine.ai().runFn("v6", () -> new Money("EUR", 5), RunFnOptions.defaults());
		assertThat(custom.resultAs(Money.class, JsonMapper.builder().build())).isEqualTo(new Money("EUR", 5));
		assertThatIllegalArgumentException().isThrownBy(() -> custom.resultAs(Integer.class))
			.withMessageContaining("java.lang.Integer");
		this.engine.ai().lease("busy", Duration.ofSeconds(30), null);
		assertThatIllegalStateException().isThrownBy(() -> this.engine.ai().result("busy").resultAs(String.class))
			.withMessageContaining("'busy'")
			.withMessageContaining("'in_progress'");
	}

	private static void assertRoundTrip(AiRun run) {
		assertThat(AiRun.fromRaw(run.raw())).isEqualTo(run);
		assertThat(LeaseAnswers.wire(run)).isEqualTo(run.raw());
	}

	private static List<String> keys(Map<String, Object> raw) {
		return new ArrayList<>(raw.keySet());
	}

	record Money(String currency, long amount) {
	}

}
