package tech.onceonly.store.jdbc;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Which database failures mean "this statement did nothing, run it again", and how long
 * to wait before doing so. Under SERIALIZABLE or REPEATABLE READ isolation (a database or
 * role default the store does not control) PostgreSQL aborts a statement that conflicts
 * with a concurrent update with SQLState {@code 40001}, and a deadlock victim with
 * {@code 40P01}; H2 reports deadlocks as {@code 40001} too. Such a statement was rolled
 * back, so repeating it is safe: every store operation is one atomic statement (or, on
 * H2, a sequence of conditional ones that ends at the first that writes). A connection
 * failure is never treated as transient: the statement may have committed.
 */
final class TransientFailures {

	/** How many times an operation runs at most before its failure is reported. */
	static final int MAX_ATTEMPTS = 10;

	private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01");

	private static final long MAX_BACKOFF_MICROS = Duration.ofMillis(50).toNanos() / 1000;

	private TransientFailures() {
	}

	/** Whether {@code failure} (or a cause) is a serialization failure or deadlock. */
	static boolean isTransient(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = next(cause)) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null
					&& TRANSIENT_STATES.contains(sql.getSQLState())) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable Throwable next(Throwable failure) {
		Throwable cause = failure.getCause();
		return (cause != failure) ? cause : null;
	}

	/**
	 * Waits before attempt {@code attempt + 1}: a random time up to an exponentially
	 * growing bound (1 ms doubled per attempt, at most 50 ms), so the conflicting writers
	 * spread out instead of colliding again.
	 * @return {@code false} when the thread was interrupted (its flag is set again)
	 */
	static boolean backOff(int attempt) {
		long bound = Math.min(MAX_BACKOFF_MICROS, 1000L << Math.min(attempt, 16));
		try {
			TimeUnit.MICROSECONDS.sleep(ThreadLocalRandom.current().nextLong(bound / 2, bound + 1));
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
