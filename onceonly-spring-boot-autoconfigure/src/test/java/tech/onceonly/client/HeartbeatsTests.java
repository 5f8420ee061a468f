package tech.onceonly.client;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HeartbeatsTests {

	private final Heartbeats heartbeats = new Heartbeats(null, null, System::nanoTime);

	private final CountDownLatch unblock = new CountDownLatch(1);

	@AfterEach
	void stop() {
		this.unblock.countDown();
		this.heartbeats.close();
	}

	@Test
	void aStoreCallThatHangsShouldNotDelayTheHeartbeatsOfOtherLeases() throws InterruptedException {
		AtomicInteger stuckCalls = new AtomicInteger();
		AtomicInteger healthyBeats = new AtomicInteger();
		Runnable stuck = () -> {
			stuckCalls.incrementAndGet();
			await(this.unblock);
		};
		try (LeaseKeeper slow = keep("slow", stuck);
				LeaseKeeper healthy = keep("healthy", healthyBeats::incrementAndGet)) {
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (healthyBeats.get() < 5 && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			assertThat(healthyBeats.get()).isGreaterThanOrEqualTo(5);
			// the hung lease skips its ticks instead of queueing more calls behind the
			// first
			assertThat(stuckCalls).hasValue(1);
			assertThat(healthy.held()).isTrue();
		}
	}

	@Test
	void aLeaseWhoseHeartbeatsKeepFailingShouldStopCountingAsHeldAfterItsTtl() throws InterruptedException {
		try (LeaseKeeper keeper = keep("failing", () -> {
			throw new IllegalStateException("store down");
		})) {
			assertThat(keeper.held()).isTrue();
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (keeper.held() && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			assertThat(keeper.held()).isFalse();
			assertThat(keeper.lost()).isFalse();
		}
	}

	@Test
	void aStaleAnswerShouldMarkTheLeaseLostOnceAndStopTheHeartbeats() throws InterruptedException {
		AtomicInteger calls = new AtomicInteger();
		AtomicInteger lost = new AtomicInteger();
		LeaseEvents events = new LeaseEvents() {

			@Override
			public void leaseLost(String path, String key) {
				lost.incrementAndGet();
			}

			@Override
			public void completionRetried(String path, String key, int attempt, Throwable failure) {
			}

			@Override
			public void outcomeUnknown(String path, String key, Throwable failure) {
			}

		};
		try (LeaseKeeper keeper = this.heartbeats.keep("run_fn", "gone", Duration.ofMillis(600), Duration.ofMillis(100),
				this.heartbeats.nanoTime(), () -> {
					calls.incrementAndGet();
					throw new StaleLeaseException("gone");
				}, events)) {
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (!keeper.lost() && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			Thread.sleep(300);
			assertThat(keeper.lost()).isTrue();
			assertThat(keeper.held()).isFalse();
			assertThat(lost).hasValue(1);
			assertThat(calls).hasValue(1);
		}
	}

	private LeaseKeeper keep(String key, Runnable extend) {
		return this.heartbeats.keep("run_fn", key, Duration.ofMillis(600), Duration.ofMillis(100),
				this.heartbeats.nanoTime(), extend, LeaseEvents.LOGGING);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
