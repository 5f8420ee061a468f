package tech.onceonly.engine;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Wakes callers in this JVM that wait for a key's work as soon as it finishes or is
 * released, instead of letting them sleep a whole poll interval. Callers in other JVMs
 * still poll.
 */
final class KeySignals {

	private final ConcurrentHashMap<String, CountDownLatch> latches = new ConcurrentHashMap<>();

	/**
	 * Registers interest in {@code key} before its state is read, so no signal between
	 * read and wait is lost.
	 */
	CountDownLatch register(String key) {
		return this.latches.computeIfAbsent(key, (k) -> new CountDownLatch(1));
	}

	/** Wakes every caller registered for {@code key}. */
	void fire(String key) {
		if (this.latches.isEmpty()) {
			return;
		}
		CountDownLatch latch = this.latches.remove(key);
		if (latch != null) {
			latch.countDown();
		}
	}

	static void await(CountDownLatch latch, Duration max) {
		try {
			latch.await(Math.max(0, max.toNanos()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for a OnceOnly result", ex);
		}
	}

}
