package tech.onceonly.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ResultSetExtractor;

import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.LockRecord;
import tech.onceonly.store.LockResult;

/**
 * PostgreSQL: every operation is one statement; {@code clock_timestamp()} is read once
 * per statement in a CTE.
 */
final class PostgresSql extends Sql {

	private static final String CLOCK = "WITH c AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint "
			+ "+ ?::bigint AS now) ";

	private final String tryLock;

	private final String insertLock;

	private final String insertLease;

	private final String acquire;

	private final String extend;

	private final String finish;

	PostgresSql(String prefix) {
		super(prefix);
		// The current row is read first in the statement's snapshot (no lock). Only when
		// it
		// is absent or free does the insert run; a key that is held or finished is
		// answered
		// from that read, so a duplicate neither locks the row nor writes anything (an
		// upsert whose condition is false still locks its row, a WAL record and a
		// commit).
		// A row taken concurrently makes the insert's upsert condition false and the
		// answer empty or stale, which the store retries.
		this.tryLock = CLOCK + ", r AS (SELECT lock_key, first_seen_at, expires_at, metadata FROM " + this.locks
				+ " WHERE lock_key = ?), w AS (INSERT INTO " + this.locks
				+ " AS t (lock_key, first_seen_at, expires_at, metadata) SELECT ?::varchar, c.now, c.now + ?::bigint, "
				+ "?::text FROM c WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.expires_at > c.now) "
				+ "ON CONFLICT (lock_key) DO UPDATE SET first_seen_at = EXCLUDED.first_seen_at, "
				+ "expires_at = EXCLUDED.expires_at, metadata = EXCLUDED.metadata "
				+ "WHERE t.expires_at <= EXCLUDED.first_seen_at RETURNING t.lock_key, t.first_seen_at, t.expires_at, "
				+ "t.metadata) SELECT true AS acquired, w.*, c.now FROM w, c UNION ALL "
				+ "SELECT false, r.lock_key, r.first_seen_at, r.expires_at, r.metadata, c.now FROM r, c "
				+ "WHERE NOT EXISTS (SELECT 1 FROM w)";
		// A new key (the common case of a check-lock) is taken by a plain insert that
		// does
		// nothing on an existing row (no row lock, no write); only then does the
		// statement
		// above read the holder or take over an expired one.
		this.insertLock = "INSERT INTO " + this.locks + " AS t (lock_key, first_seen_at, expires_at, metadata) "
				+ "SELECT ?::varchar, c.now, c.now + ?::bigint, ?::text FROM (SELECT (extract(epoch FROM "
				+ "clock_timestamp()) * 1000)::bigint + ?::bigint AS now) c ON CONFLICT (lock_key) DO NOTHING "
				+ "RETURNING t.lock_key, t.first_seen_at, t.expires_at, t.metadata, t.first_seen_at";
		// A new key (the common case of an acquire) is taken by an insert that does
		// nothing on an existing row; the same statement then reads the row it met (in
		// the statement's snapshot, no lock, no write), so a held or finished key is
		// answered by this one statement too. Only a row that may be taken over (released
		// or expired) goes on to the statement below; so does a row inserted concurrently
		// and not yet visible to this statement's snapshot (nothing returned).
		this.insertLease = CLOCK + ", w AS (INSERT INTO " + this.leases + " AS t (" + JdbcStore.LEASE_COLUMNS + ") "
				+ "SELECT ?::varchar, 'HELD', ?::varchar, 1, c.now, c.now + ?::bigint, NULL, NULL, NULL, NULL, ?::text "
				+ "FROM c ON CONFLICT (lease_key) DO NOTHING RETURNING " + columns("t") + ") SELECT true AS acquired, "
				+ "false AS free, " + columns("w") + ", c.now FROM w, c UNION ALL SELECT false, "
				+ "(r.state = 'RELEASED' OR r.expires_at <= c.now), " + columns("r") + ", c.now FROM " + this.leases
				+ " r, c WHERE r.lease_key = ? AND NOT EXISTS (SELECT 1 FROM w)";
		this.acquire = CLOCK + ", r AS (SELECT " + JdbcStore.LEASE_COLUMNS + " FROM " + this.leases
				+ " WHERE lease_key = ?), w AS (INSERT INTO " + this.leases + " AS t (" + JdbcStore.LEASE_COLUMNS + ") "
				+ "SELECT ?::varchar, 'HELD', ?::varchar, 1, c.now, c.now + ?::bigint, NULL, NULL, NULL, NULL, ?::text "
				+ "FROM c WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.state <> 'RELEASED' AND r.expires_at > c.now) "
				+ "ON CONFLICT (lease_key) DO UPDATE SET state = 'HELD', lease_id = EXCLUDED.lease_id, "
				+ "version = CASE WHEN t.state IN ('COMPLETED', 'FAILED') THEN 1 ELSE t.version + 1 END, "
				+ "first_seen_at = CASE WHEN t.state IN ('COMPLETED', 'FAILED') THEN EXCLUDED.first_seen_at "
				+ "ELSE t.first_seen_at END, expires_at = EXCLUDED.expires_at, done_at = NULL, result = NULL, "
				+ "result_hash = NULL, error_code = NULL, metadata = EXCLUDED.metadata "
				+ "WHERE t.state = 'RELEASED' OR t.expires_at <= EXCLUDED.first_seen_at RETURNING " + columns("t")
				+ ") SELECT true AS acquired, " + columns("w") + ", c.now FROM w, c UNION ALL SELECT false, "
				+ columns("r") + ", c.now FROM r, c WHERE NOT EXISTS (SELECT 1 FROM w)";
		this.extend = CLOCK + "UPDATE " + this.leases + " t SET expires_at = c.now + ?::bigint FROM c "
				+ "WHERE t.lease_key = ? AND t.state = 'HELD' AND t.lease_id = ? RETURNING " + columns("t") + ", c.now";
		this.finish = CLOCK + "UPDATE " + this.leases + " t SET state = ?, lease_id = NULL, "
				+ "expires_at = c.now + ?::bigint, done_at = c.now, result = ?::text, result_hash = ?::varchar, "
				+ "error_code = ?::varchar FROM c WHERE t.lease_key = ? AND t.state = 'HELD' AND t.lease_id = ? "
				+ "RETURNING t.done_at";
	}

	private static String columns(String alias) {
		return alias + "." + JdbcStore.LEASE_COLUMNS.replace(", ", ", " + alias + ".");
	}

	@Override
	String now() {
		return CLOCK + "SELECT now FROM c";
	}

	@Override
	String getLock() {
		return CLOCK + "SELECT t.*, c.now FROM " + this.locks + " t, c WHERE t.lock_key = ? AND t.expires_at > c.now";
	}

	@Override
	String getLease() {
		return CLOCK + "SELECT " + columns("t") + ", c.now FROM " + this.leases + " t, c WHERE t.lease_key = ? "
				+ "AND NOT (t.state IN ('COMPLETED', 'FAILED') AND t.expires_at <= c.now)";
	}

	@Override
	String cancel() {
		return CLOCK + "UPDATE " + this.leases + " t SET state = 'RELEASED', lease_id = NULL, expires_at = c.now "
				+ "FROM c WHERE t.lease_key = ? AND t.state = 'HELD' AND t.lease_id = ?";
	}

	@Override
	String purgeLocks() {
		return CLOCK + "DELETE FROM " + this.locks + " t USING c WHERE t.expires_at <= c.now";
	}

	@Override
	String purgeLocksBatch() {
		return CLOCK + "DELETE FROM " + this.locks + " t USING c WHERE t.ctid = ANY (ARRAY(SELECT l.ctid FROM "
				+ this.locks + " l, c WHERE l.expires_at <= c.now LIMIT ?::int)) AND t.expires_at <= c.now";
	}

	@Override
	String purgeLeasesBatch() {
		String expired = "((x.state <> 'HELD' AND x.expires_at <= c.now) "
				+ "OR (x.state = 'HELD' AND x.expires_at + ?::bigint <= c.now))";
		return CLOCK + "DELETE FROM " + this.leases + " t USING c WHERE t.ctid = ANY (ARRAY(SELECT x.ctid FROM "
				+ this.leases + " x, c WHERE " + expired + " LIMIT ?::int)) AND " + expired.replace("x.", "t.");
	}

	/**
	 * Deletes at most a limit of expired locks in a range of pages; parameters: offset,
	 * first tid, end tid (exclusive), limit. Without an index on {@code expires_at} the
	 * inner query is a TID range scan of the range (PostgreSQL 14 or later).
	 */
	String purgeLocksRange() {
		return CLOCK + "DELETE FROM " + this.locks + " t USING c WHERE t.ctid = ANY (ARRAY(SELECT l.ctid FROM "
				+ this.locks + " l, c WHERE l.ctid >= ?::tid AND l.ctid < ?::tid AND l.expires_at <= c.now "
				+ "LIMIT ?::int)) AND t.expires_at <= c.now";
	}

	/**
	 * Deletes at most a limit of leases that no longer matter in a range of pages;
	 * parameters: offset, grace, first tid, end tid (exclusive), limit, grace.
	 */
	String purgeLeasesRange() {
		String expired = "((x.state <> 'HELD' AND x.expires_at <= c.now) "
				+ "OR (x.state = 'HELD' AND x.expires_at + ?::bigint <= c.now))";
		return CLOCK + "DELETE FROM " + this.leases + " t USING c WHERE t.ctid = ANY (ARRAY(SELECT x.ctid FROM "
				+ this.leases + " x, c WHERE " + expired + " AND x.ctid >= ?::tid AND x.ctid < ?::tid LIMIT ?::int)) "
				+ "AND " + expired.replace("x.", "t.");
	}

	@Override
	String purgeLeases() {
		return CLOCK + "DELETE FROM " + this.leases + " t USING c WHERE (t.state <> 'HELD' AND t.expires_at <= c.now) "
				+ "OR (t.state = 'HELD' AND t.expires_at + ?::bigint <= c.now)";
	}

	// The hot statements bind their parameters with their SQL types and read their row by
	// column position: no per-call type inference of the arguments and no column-name map
	// built for every result set.

	@Override
	@Nullable LockResult tryLock(JdbcTemplate jdbc, String key, long ttl, @Nullable String metadata, long offset) {
		LockResult inserted = JdbcStore.first(jdbc.query(this.insertLock, (ps) -> {
			ps.setString(1, key);
			ps.setLong(2, ttl);
			text(ps, 3, metadata);
			ps.setLong(4, offset);
		}, (rs, row) -> new LockResult(true, lock(rs, 1))));
		if (inserted != null) {
			return inserted;
		}
		return JdbcStore.first(jdbc.query(this.tryLock, (ps) -> {
			ps.setLong(1, offset);
			ps.setString(2, key);
			ps.setString(3, key);
			ps.setLong(4, ttl);
			text(ps, 5, metadata);
		}, (rs, row) -> new LockResult(rs.getBoolean(1), lock(rs, 2))));
	}

	@Override
	@Nullable LeaseResult acquire(JdbcTemplate jdbc, String key, long ttl, String leaseId, @Nullable String metadata,
			long offset) {
		Optional<LeaseResult> first = jdbc.query(this.insertLease, (ps) -> {
			ps.setLong(1, offset);
			ps.setString(2, key);
			ps.setString(3, leaseId);
			ps.setLong(4, ttl);
			text(ps, 5, metadata);
			ps.setString(6, key);
		}, (ResultSetExtractor<Optional<LeaseResult>>) (rs) -> {
			if (!rs.next() || rs.getBoolean(2)) {
				return Optional.empty();
			}
			LeaseRecord record = lease(rs, 3);
			return Optional.of(new LeaseResult(
					rs.getBoolean(1) ? LeaseResult.Outcome.ACQUIRED : outcomeOf(record.state()), record));
		});
		if (first != null && first.isPresent()) {
			return first.get();
		}
		return JdbcStore.first(jdbc.query(this.acquire, (ps) -> {
			ps.setLong(1, offset);
			ps.setString(2, key);
			ps.setString(3, key);
			ps.setString(4, leaseId);
			ps.setLong(5, ttl);
			text(ps, 6, metadata);
		}, (rs, row) -> {
			LeaseRecord record = lease(rs, 2);
			return new LeaseResult(rs.getBoolean(1) ? LeaseResult.Outcome.ACQUIRED : outcomeOf(record.state()), record);
		}));
	}

	@Override
	@Nullable LeaseRecord extend(JdbcTemplate jdbc, String key, String leaseId, long ttl, long offset) {
		return JdbcStore.first(jdbc.query(this.extend, (ps) -> {
			ps.setLong(1, offset);
			ps.setLong(2, ttl);
			ps.setString(3, key);
			ps.setString(4, leaseId);
		}, (rs, row) -> lease(rs, 1)));
	}

	@Override
	@Nullable Instant finish(JdbcTemplate jdbc, String key, String leaseId, LeaseState state, @Nullable String result,
			@Nullable String resultHash, @Nullable String errorCode, long retention, long offset) {
		return JdbcStore.first(jdbc.query(this.finish, (ps) -> {
			ps.setLong(1, offset);
			ps.setString(2, state.name());
			ps.setLong(3, retention);
			text(ps, 4, result);
			text(ps, 5, resultHash);
			text(ps, 6, errorCode);
			ps.setString(7, key);
			ps.setString(8, leaseId);
		}, (rs, row) -> Instant.ofEpochMilli(rs.getLong(1))));
	}

	private static void text(PreparedStatement ps, int index, @Nullable String value) throws SQLException {
		if (value != null) {
			ps.setString(index, value);
		}
		else {
			ps.setNull(index, Types.VARCHAR);
		}
	}

	/** A lock record from {@code lock_key, first_seen_at, expires_at, metadata, now}. */
	private static LockRecord lock(ResultSet rs, int from) throws SQLException {
		return new LockRecord(rs.getString(from), Instant.ofEpochMilli(rs.getLong(from + 1)),
				Instant.ofEpochMilli(rs.getLong(from + 2)), rs.getString(from + 3),
				Instant.ofEpochMilli(rs.getLong(from + 4)));
	}

	/** A lease record from {@link JdbcStore#LEASE_COLUMNS} followed by {@code now}. */
	private static LeaseRecord lease(ResultSet rs, int from) throws SQLException {
		long doneAt = rs.getLong(from + 6);
		Instant done = rs.wasNull() ? null : Instant.ofEpochMilli(doneAt);
		return new LeaseRecord(rs.getString(from), LeaseState.valueOf(rs.getString(from + 1)), rs.getString(from + 2),
				rs.getLong(from + 3), Instant.ofEpochMilli(rs.getLong(from + 4)),
				Instant.ofEpochMilli(rs.getLong(from + 5)), done, rs.getString(from + 7), rs.getString(from + 8),
				rs.getString(from + 9), rs.getString(from + 10), Instant.ofEpochMilli(rs.getLong(from + 11)));
	}

}
