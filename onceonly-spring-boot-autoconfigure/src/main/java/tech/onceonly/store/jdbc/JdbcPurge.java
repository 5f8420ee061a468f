package tech.onceonly.store.jdbc;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import tech.onceonly.store.LockRecord;

/**
 * One purge of the rows that no longer matter in every OnceOnly table: expired locks,
 * leases past retention (or released, or abandoned for ten minutes), and, with a
 * governance store, counters of past windows and audit rows and events past retention.
 * Each statement deletes at most {@code batchSize} rows and is repeated until a batch
 * comes back short, so no statement holds many row locks or a long transaction. On
 * PostgreSQL 14 or later the locks and leases (which have no index on their expiry) are
 * walked once per run in ranges of {@value JdbcStore#RANGE_PAGES} pages, each statement a
 * TID range scan of one range; a batch gathers its rows over as many ranges as it needs
 * and the walk ends with a short batch at the end of the table.
 * <p>
 * Only one purge runs at a time across every instance sharing the tables: a run first
 * takes the check-lock {@value #LOCK_KEY} on the store (for {@code lockTtl}); a run that
 * finds it held does nothing. A run stops starting batches after half of {@code lockTtl},
 * so it finishes while it still holds the lock, and the next run continues. A purger that
 * dies leaves the lock to expire after {@code lockTtl}. Correctness never depends on
 * purging, only the size of the tables does.
 */
public final class JdbcPurge {

	/** The check-lock key that guards a run. */
	public static final String LOCK_KEY = "onceonly:jdbc-purge";

	/** The tables in the order a run purges them. */
	private static final String[] GOVERNANCE_TABLES = { "counters", "audit", "events" };

	private final JdbcStore store;

	private final @Nullable JdbcGovernanceStore governance;

	private final int batchSize;

	private final Duration lockTtl;

	private final BatchListener listener;

	/**
	 * A purge of {@code store}'s tables and, when given, {@code governance}'s.
	 * @param store the store whose locks and leases are purged and whose check-lock
	 * guards the run
	 * @param governance the governance store whose tables are purged too, or {@code null}
	 * @param batchSize the most rows one statement deletes (positive)
	 * @param lockTtl how long a run holds the guard at most (positive)
	 * @param listener told of every batch
	 */
	public JdbcPurge(JdbcStore store, @Nullable JdbcGovernanceStore governance, int batchSize, Duration lockTtl,
			BatchListener listener) {
		this.store = Objects.requireNonNull(store, "store");
		this.governance = governance;
		if (batchSize < 1) {
			throw new IllegalArgumentException(
					"The OnceOnly purge batch size must be at least 1 (rows per statement), was " + batchSize);
		}
		if (lockTtl.isNegative() || lockTtl.isZero()) {
			throw new IllegalArgumentException("The OnceOnly purge lock ttl must be positive, was " + lockTtl);
		}
		this.batchSize = batchSize;
		this.lockTtl = lockTtl;
		this.listener = Objects.requireNonNull(listener, "listener");
	}

	/**
	 * Purges every table unless another run holds the guard.
	 * @return what was deleted, or a result with {@link Result#ran()} false when another
	 * run holds the guard
	 * @throws tech.onceonly.store.StoreException when the database fails (the guard is
	 * released first)
	 */
	public Result run() {
		long start = System.nanoTime();
		String owner = "{\"purge\":\"" + UUID.randomUUID() + "\"}";
		if (!this.store.tryLock(LOCK_KEY, this.lockTtl, owner).acquired()) {
			return new Result(false, Map.of(), Duration.ofNanos(System.nanoTime() - start), true);
		}
		Map<String, Long> deleted = new LinkedHashMap<>();
		boolean complete = true;
		try {
			long deadline = start + this.lockTtl.toNanos() / 2;
			complete = purge("locks", this.store.locksPurgePass(), deleted, deadline)
					&& purge("leases", this.store.leasesPurgePass(), deleted, deadline);
			JdbcGovernanceStore governance = this.governance;
			if (governance != null) {
				for (String table : GOVERNANCE_TABLES) {
					complete = complete && purge("gov_" + table, new PurgePass() {

						@Override
						public int delete(int limit, long until) {
							return governance.purgeBatch(table, limit);
						}

						@Override
						public boolean finished() {
							return true;
						}

					}, deleted, deadline);
				}
			}
		}
		finally {
			LockRecord lock = this.store.getLock(LOCK_KEY);
			if (lock != null && owner.equals(lock.metadataJson())) {
				this.store.releaseLock(LOCK_KEY);
			}
		}
		return new Result(true, Collections.unmodifiableMap(deleted), Duration.ofNanos(System.nanoTime() - start),
				complete);
	}

	/**
	 * Batches until one is short at the end of the pass; false when the deadline came
	 * first.
	 */
	private boolean purge(String table, PurgePass pass, Map<String, Long> deleted, long deadline) {
		long total = 0;
		try {
			while (true) {
				if (System.nanoTime() - deadline > 0) {
					return false;
				}
				int rows = pass.delete(this.batchSize, deadline);
				total += rows;
				this.listener.deleted(table, rows);
				if (rows < this.batchSize && pass.finished()) {
					return true;
				}
			}
		}
		finally {
			deleted.put(table, total);
		}
	}

	/** Told of every batch a run deletes (for metrics, logs and tests). */
	@FunctionalInterface
	public interface BatchListener {

		/** Listens to nothing. */
		BatchListener NONE = (table, rows) -> {
		};

		/**
		 * One batch of {@code table} (without the prefix: {@code locks}, {@code leases},
		 * {@code gov_counters}, {@code gov_audit}, {@code gov_events}) deleted
		 * {@code rows} rows.
		 */
		void deleted(String table, int rows);

	}

	/**
	 * The outcome of one run.
	 *
	 * @param ran false when another run held the guard (nothing was deleted)
	 * @param deleted rows deleted per table (without the prefix)
	 * @param duration how long the run took
	 * @param complete false when the run stopped at its time limit with rows left
	 */
	public record Result(boolean ran, Map<String, Long> deleted, Duration duration, boolean complete) {

		/** All rows deleted. */
		public long total() {
			return this.deleted.values().stream().mapToLong(Long::longValue).sum();
		}

	}

}
