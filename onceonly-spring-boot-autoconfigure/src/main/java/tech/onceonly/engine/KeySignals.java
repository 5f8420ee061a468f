package tech.onceonly.engine;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Wakes callers in this JVM that wait for a key's work as soon as it finishes or is
 * released, instead of letting them sleep a whole poll interval. Callers in other JVMs
 * still poll. An entry lives only while someone waits on it: the last waiter to leave
 * removes it, so keys finished in another JVM leave nothing behind.
 */
final class KeySignals {

	private final ConcurrentHashMap<String, Signal> signals = new ConcurrentHashMap<>();

	/**
	 * Registers interest in {@code key} before its state is read, so no signal between
	 * read and wait is lost. Every registration is ended by {@link #leave}.
	 */
	Signal register(String key) {
		return this.signals.compute(key, (k, signal) -> {
			Signal current = (signal != null) ? signal : new Signal();
			current.waiters++;
			return current;
		});
	}

	/** Ends one registration; the entry goes when its last waiter leaves. */
	void leave(String key, Signal signal) {
		this.signals.computeIfPresent(key, (k, current) -> {
			if (current != signal) {
				return current;
			}
			current.waiters--;
			return (current.waiters > 0) ? current : null;
		});
	}

	/** Wakes every caller registered for {@code key}. */
	void fire(String key) {
		if (this.signals.isEmpty()) {
			return;
		}
		Signal signal = this.signals.remove(key);
		if (signal != null) {
			signal.latch.countDown();
		}
	}

	/** The number of keys someone waits on (for tests). */
	int size() {
		return this.signals.size();
	}

	/** One key's signal: counted down once, when the key changes. */
	static final class Signal {

		private final CountDownLatch latch = new CountDownLatch(1);

		/** Guarded by the map's per-key lock. */
		private int waiters;

		/** Waits until the key changes or {@code max} passes. */
		void await(Duration max) {
			try {
				this.latch.await(Math.max(0, max.toNanos()), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for a OnceOnly result", ex);
			}
		}

	}

}
