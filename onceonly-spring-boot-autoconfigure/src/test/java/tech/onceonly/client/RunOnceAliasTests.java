package tech.onceonly.client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ai().runOnce} is {@code ai().runFn} under its neutral name, blocking and
 * reactive.
 */
class RunOnceAliasTests {

	private final LocalOnceOnly client = new LocalOnceOnly(new InMemoryStore(MutableClock.startingAt2026()));

	@AfterEach
	void close() {
		this.client.close();
	}

	@Test
	void runOnceShouldRunTheFunctionOnceAndReplayItsResult() {
		AtomicInteger runs = new AtomicInteger();
		RunFnOptions options = RunFnOptions.defaults().withTtl(Duration.ofMinutes(1));
		AiResult first = this.client.ai()
			.runOnce("run-once-alias:1", () -> Map.of("charge", "ch_" + runs.incrementAndGet()), options);
		AiResult second = this.client.ai()
			.runOnce("run-once-alias:1", () -> Map.of("charge", "ch_" + runs.incrementAndGet()), options);
		assertThat(runs).hasValue(1);
		assertThat(first.isCompleted()).isTrue();
		assertThat(second.result()).isEqualTo(first.result()).containsEntry("charge", "ch_1");
		AiResult viaRunFn = this.client.ai()
			.runFn("run-once-alias:1", () -> Map.of("charge", "ch_" + runs.incrementAndGet()), options);
		assertThat(viaRunFn.result()).containsEntry("charge", "ch_1");
		assertThat(runs).hasValue(1);
	}

	@Test
	void reactiveRunOnceShouldRunTheFunctionOnce() {
		AtomicInteger runs = new AtomicInteger();
		RunFnOptions options = RunFnOptions.defaults();
		AiResult first = this.client.reactive()
			.ai()
			.runOnce("run-once-alias:2", () -> Mono.fromSupplier(() -> Map.of("n", runs.incrementAndGet())), options)
			.block(Duration.ofSeconds(10));
		AiResult second = this.client.reactive()
			.ai()
			.runOnce("run-once-alias:2", () -> Mono.fromSupplier(() -> Map.of("n", runs.incrementAndGet())), options)
			.block(Duration.ofSeconds(10));
		assertThat(runs).hasValue(1);
		assertThat(first.isCompleted()).isTrue();
		assertThat(second.result()).containsEntry("n", 1);
	}

}
