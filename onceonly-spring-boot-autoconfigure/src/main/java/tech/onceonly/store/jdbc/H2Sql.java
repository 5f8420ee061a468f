package tech.onceonly.store.jdbc;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

import org.springframework.dao.DuplicateKeyException;

import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.LockRecord;
import tech.onceonly.store.LockResult;

/**
 * H2: updates return their rows through {@code FINAL TABLE}; acquisitions are an insert
 * where absent, else an update where expired, else a read, each one atomic statement (the
 * caller retries when a concurrent writer got in between). {@code CURRENT_TIMESTAMP} is
 * fixed for the duration of a statement, so repeating it reads one time.
 */
final class H2Sql extends Sql {

	private static final String NOW = "(CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT) + "
			+ "CAST(? AS BIGINT))";

	H2Sql(String prefix) {
		super(prefix);
	}

	@Override
	String now() {
		return "SELECT " + NOW;
	}

	@Override
	String getLock() {
		return "SELECT t.*, c.now FROM (SELECT " + NOW + " AS now) c JOIN " + this.locks
				+ " t ON t.lock_key = ? WHERE t.expires_at > c.now";
	}

	@Override
	String getLease() {
		return "SELECT t.*, c.now FROM (SELECT " + NOW + " AS now) c JOIN " + this.leases + " t ON t.lease_key = ? "
				+ "WHERE NOT (t.state IN ('COMPLETED', 'FAILED') AND t.expires_at <= c.now)";
	}

	@Override
	String cancel() {
		return "UPDATE " + this.leases + " SET state = 'RELEASED', lease_id = NULL, expires_at = " + NOW
				+ " WHERE lease_key = ? AND state = 'HELD' AND lease_id = ?";
	}

	@Override
	String purgeLocks() {
		return "DELETE FROM " + this.locks + " WHERE expires_at <= " + NOW;
	}

	@Override
	String purgeLocksBatch() {
		return "DELETE FROM " + this.locks + " WHERE expires_at <= " + NOW + " FETCH FIRST ? ROWS ONLY";
	}

	@Override
	String purgeLeasesBatch() {
		return "DELETE FROM " + this.leases + " t WHERE EXISTS (SELECT 1 FROM (SELECT " + NOW + " AS now, "
				+ "CAST(? AS BIGINT) AS grace) c WHERE (t.state <> 'HELD' AND t.expires_at <= c.now) "
				+ "OR (t.state = 'HELD' AND t.expires_at + c.grace <= c.now)) FETCH FIRST ? ROWS ONLY";
	}

	@Override
	String purgeLeases() {
		return "DELETE FROM " + this.leases + " t WHERE EXISTS (SELECT 1 FROM (SELECT " + NOW + " AS now, "
				+ "CAST(? AS BIGINT) AS grace) c WHERE (t.state <> 'HELD' AND t.expires_at <= c.now) "
				+ "OR (t.state = 'HELD' AND t.expires_at + c.grace <= c.now))";
	}

	@Override
	@Nullable LockResult tryLock(JdbcTemplate jdbc, String key, long ttl, @Nullable String metadata, long offset) {
		try {
			LockRecord inserted = JdbcStore.first(jdbc.query(
					"SELECT t.*, t.first_seen_at AS now FROM FINAL TABLE (INSERT INTO " + this.locks
							+ " (lock_key, first_seen_at, expires_at, metadata) SELECT ?, " + NOW + ", " + NOW
							+ " + ?, ? FROM (VALUES (0)) v WHERE NOT EXISTS (SELECT 1 FROM " + this.locks
							+ " WHERE lock_key = ?)) t",
					JdbcStore::lockRecord, key, offset, offset, ttl, metadata, key));
			if (inserted != null) {
				return new LockResult(true, inserted);
			}
		}
		catch (DuplicateKeyException ex) {
			// a concurrent insert won: take the key over below if it already expired
		}
		LockRecord taken = JdbcStore.first(jdbc.query(
				"SELECT t.*, t.first_seen_at AS now FROM FINAL TABLE (UPDATE " + this.locks + " SET first_seen_at = "
						+ NOW + ", expires_at = " + NOW + " + ?, metadata = ? "
						+ "WHERE lock_key = ? AND expires_at <= " + NOW + ") t",
				JdbcStore::lockRecord, offset, offset, ttl, metadata, key, offset));
		if (taken != null) {
			return new LockResult(true, taken);
		}
		LockRecord current = JdbcStore.first(jdbc.query(getLock(), JdbcStore::lockRecord, offset, key));
		return (current != null) ? new LockResult(false, current) : null;
	}

	@Override
	@Nullable LeaseResult acquire(JdbcTemplate jdbc, String key, long ttl, String leaseId, @Nullable String metadata,
			long offset) {
		try {
			LeaseRecord inserted = JdbcStore.first(jdbc.query(
					"SELECT t.*, t.first_seen_at AS now FROM FINAL TABLE (INSERT INTO " + this.leases + " ("
							+ JdbcStore.LEASE_COLUMNS + ") SELECT ?, 'HELD', ?, 1, " + NOW + ", " + NOW
							+ " + ?, NULL, NULL, NULL, NULL, ? FROM (VALUES (0)) v WHERE NOT EXISTS (SELECT 1 FROM "
							+ this.leases + " WHERE lease_key = ?)) t",
					JdbcStore::leaseRecord, key, leaseId, offset, offset, ttl, metadata, key));
			if (inserted != null) {
				return new LeaseResult(LeaseResult.Outcome.ACQUIRED, inserted);
			}
		}
		catch (DuplicateKeyException ex) {
			// a concurrent insert won: take the lease over below if it is already
			// free
		}
		LeaseRecord taken = JdbcStore.first(jdbc.query(
				"SELECT t.*, t.expires_at - ? AS now FROM FINAL TABLE (UPDATE " + this.leases
						+ " SET state = 'HELD', lease_id = ?, "
						+ "version = CASE WHEN state IN ('COMPLETED', 'FAILED') THEN 1 ELSE version + 1 END, "
						+ "first_seen_at = CASE WHEN state IN ('COMPLETED', 'FAILED') THEN " + NOW
						+ " ELSE first_seen_at END, expires_at = " + NOW + " + ?, done_at = NULL, result = NULL, "
						+ "result_hash = NULL, error_code = NULL, metadata = ? "
						+ "WHERE lease_key = ? AND (state = 'RELEASED' OR expires_at <= " + NOW + ")) t",
				JdbcStore::leaseRecord, ttl, leaseId, offset, offset, ttl, metadata, key, offset));
		if (taken != null) {
			return new LeaseResult(LeaseResult.Outcome.ACQUIRED, taken);
		}
		LeaseRecord current = JdbcStore.first(jdbc.query(getLease(), JdbcStore::leaseRecord, offset, key));
		return (current != null) ? new LeaseResult(outcomeOf(current.state()), current) : null;
	}

	@Override
	@Nullable LeaseRecord extend(JdbcTemplate jdbc, String key, String leaseId, long ttl, long offset) {
		return JdbcStore.first(jdbc.query(
				"SELECT t.*, t.expires_at - ? AS now FROM FINAL TABLE (UPDATE " + this.leases + " SET expires_at = "
						+ NOW + " + ? WHERE lease_key = ? AND state = 'HELD' AND lease_id = ?) t",
				JdbcStore::leaseRecord, ttl, offset, ttl, key, leaseId));
	}

	@Override
	@Nullable Instant finish(JdbcTemplate jdbc, String key, String leaseId, LeaseState state, @Nullable String result,
			@Nullable String resultHash, @Nullable String errorCode, long retention, long offset) {
		List<Long> done = jdbc.query(
				"SELECT done_at FROM FINAL TABLE (UPDATE " + this.leases
						+ " SET state = ?, lease_id = NULL, expires_at = " + NOW + " + ?, done_at = " + NOW
						+ ", result = ?, result_hash = ?, error_code = ? WHERE lease_key = ? AND state = 'HELD' "
						+ "AND lease_id = ?) t",
				(rs, row) -> rs.getLong(1), state.name(), offset, retention, offset, result, resultHash, errorCode, key,
				leaseId);
		return done.isEmpty() ? null : Instant.ofEpochMilli(done.get(0));
	}

}
