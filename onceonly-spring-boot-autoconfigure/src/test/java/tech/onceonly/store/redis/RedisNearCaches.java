package tech.onceonly.store.redis;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits on the near cache's events (its subscription, an invalidation), bounded. */
final class RedisNearCaches {

	static final Duration WAIT = Duration.ofSeconds(10);

	private RedisNearCaches() {
	}

	/**
	 * Waits until {@code store}'s near cache hears invalidations (it serves only then).
	 */
	static RedisStore awaitLive(RedisStore store) {
		RedisNearCache cache = store.nearCache();
		if (cache == null) {
			throw new IllegalStateException("the store has no near cache");
		}
		await("the near cache's subscription", cache::isLive);
		return store;
	}

	/** Waits until {@code condition} holds, failing after {@link #WAIT}. */
	static void await(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Timed out after " + WAIT + " waiting for " + what);
			}
			LockSupport.parkNanos(1_000_000);
		}
	}

}
