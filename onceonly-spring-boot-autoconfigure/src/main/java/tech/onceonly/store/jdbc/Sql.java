package tech.onceonly.store.jdbc;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.LockResult;

/** The statements of one platform. */
abstract class Sql {

	final String locks;

	final String leases;

	Sql(String prefix) {
		this.locks = prefix + "locks";
		this.leases = prefix + "leases";
	}

	/** A query of one row and column: the store time; one parameter, the offset. */
	abstract String now();

	/** A query of the unexpired lock as a lock record; parameters: offset, key. */
	abstract String getLock();

	/**
	 * A query of the lease as a lease record unless terminal past retention; parameters:
	 * offset, key.
	 */
	abstract String getLease();

	/** An update releasing a held lease; parameters: offset, key, lease id. */
	abstract String cancel();

	/** Deletes expired locks; parameter: offset. */
	abstract String purgeLocks();

	/** Deletes leases that no longer matter; parameters: offset, grace. */
	abstract String purgeLeases();

	/** Deletes one batch of expired locks; parameters: offset, limit. */
	abstract String purgeLocksBatch();

	/**
	 * Deletes one batch of leases that no longer matter; parameters: offset, grace,
	 * limit, grace.
	 */
	abstract String purgeLeasesBatch();

	/** The result of one attempt, or {@code null} to try again. */
	abstract @Nullable LockResult tryLock(JdbcTemplate jdbc, String key, long ttl, @Nullable String metadata,
			long offset);

	/** The result of one attempt, or {@code null} to try again. */
	abstract @Nullable LeaseResult acquire(JdbcTemplate jdbc, String key, long ttl, String leaseId,
			@Nullable String metadata, long offset);

	abstract @Nullable LeaseRecord extend(JdbcTemplate jdbc, String key, String leaseId, long ttl, long offset);

	abstract @Nullable Instant finish(JdbcTemplate jdbc, String key, String leaseId, LeaseState state,
			@Nullable String result, @Nullable String resultHash, @Nullable String errorCode, long retention,
			long offset);

	static LeaseResult.Outcome outcomeOf(LeaseState state) {
		return switch (state) {
			case COMPLETED -> LeaseResult.Outcome.COMPLETED;
			case FAILED -> LeaseResult.Outcome.FAILED;
			default -> LeaseResult.Outcome.HELD_BY_OTHER;
		};
	}

}
