package tech.onceonly.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;

import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.LockRecord;
import tech.onceonly.store.LockResult;

/**
 * MariaDB 10.6+ and MySQL 8.0+ (InnoDB), with SQL both understand: no {@code RETURNING}
 * (MySQL has none), no {@code ON DUPLICATE KEY UPDATE} on the hot path, no user
 * variables. An acquisition reads the key's row and the database clock in one statement
 * (a consistent read: no row lock, nothing written); a key that is held or finished is
 * answered from that read, so a duplicate costs one read and no write. Only a free key is
 * written, by an {@code INSERT} (a duplicate key means another instance inserted it
 * first) or by an {@code UPDATE} whose {@code WHERE} repeats the read row's identity
 * (state, version, first-seen time) and its freedom, evaluated by InnoDB on the latest
 * committed row under its row lock. The update writes the times of the read ({@code now}
 * of the database clock, a moment before), so the caller gets exactly the row it wrote
 * without a second read. An attempt that lost a race matches no row and is retried by the
 * store; nothing is decided in Java on a value that the statement does not check again.
 * <p>
 * Row counts: every conditional write that matches also changes its row (a new lease id,
 * a new state or a later first-seen time), so the count is the same whether the driver
 * reports found rows (the default of both drivers) or changed rows
 * ({@code useAffectedRows=true}); the one exception, an extension that sets the same
 * expiry twice within a millisecond, is confirmed by reading the row.
 * <p>
 * A completion is one fenced {@code UPDATE} that stores the database time as
 * {@code done_at} through {@code LAST_INSERT_ID(time)}, which both servers return to the
 * driver as the statement's generated key (a driver that does not is answered by reading
 * the row).
 * <p>
 * Time is {@code UTC_TIMESTAMP(6)} in epoch milliseconds, which no session time zone or
 * daylight-saving change affects and which is fixed for the duration of a statement.
 */
final class MariaDbSql extends Sql {

	/** The database time in epoch milliseconds plus the test offset (one parameter). */
	static final String NOW = "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) DIV 1000 + ?)";

	private final String readLock;

	private final String insertLock;

	private final String takeLock;

	private final String readLease;

	private final String insertLease;

	private final String takeLease;

	private final String extend;

	private final String finish;

	private final String doneAt;

	MariaDbSql(String prefix) {
		super(prefix);
		this.readLock = "SELECT c.now, t.lock_key, t.first_seen_at, t.expires_at, t.metadata FROM (SELECT " + NOW
				+ " AS now) c LEFT JOIN " + this.locks + " t ON t.lock_key = ?";
		this.insertLock = "INSERT INTO " + this.locks + " (lock_key, first_seen_at, expires_at, metadata) "
				+ "VALUES (?, ?, ?, ?)";
		this.takeLock = "UPDATE " + this.locks + " SET first_seen_at = ?, expires_at = ?, metadata = ? "
				+ "WHERE lock_key = ? AND expires_at <= ?";
		this.readLease = "SELECT c.now, " + columns("t") + " FROM (SELECT " + NOW + " AS now) c LEFT JOIN "
				+ this.leases + " t ON t.lease_key = ?";
		this.insertLease = "INSERT INTO " + this.leases + " (" + JdbcStore.LEASE_COLUMNS + ") "
				+ "VALUES (?, 'HELD', ?, 1, ?, ?, NULL, NULL, NULL, NULL, ?)";
		this.takeLease = "UPDATE " + this.leases + " SET state = 'HELD', lease_id = ?, version = ?, first_seen_at = ?, "
				+ "expires_at = ?, done_at = NULL, result = NULL, result_hash = NULL, error_code = NULL, metadata = ? "
				+ "WHERE lease_key = ? AND state = ? AND version = ? AND first_seen_at = ? "
				+ "AND (state = 'RELEASED' OR expires_at <= ?)";
		this.extend = "UPDATE " + this.leases + " SET expires_at = ? WHERE lease_key = ? AND state = 'HELD' "
				+ "AND lease_id = ?";
		// LAST_INSERT_ID(expr) hands the completion time back in the statement's OK
		// packet,
		// as a generated key, so the caller learns it without a second round trip
		this.finish = "UPDATE " + this.leases + " SET state = ?, lease_id = NULL, done_at = LAST_INSERT_ID(" + NOW
				+ "), expires_at = " + NOW + " + ?, result = ?, result_hash = ?, error_code = ? "
				+ "WHERE lease_key = ? AND state = 'HELD' AND lease_id = ?";
		this.doneAt = "SELECT done_at FROM " + this.leases + " WHERE lease_key = ?";
	}

	private static String columns(String alias) {
		return alias + "." + JdbcStore.LEASE_COLUMNS.replace(", ", ", " + alias + ".");
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
		return "SELECT " + columns("t") + ", c.now FROM (SELECT " + NOW + " AS now) c JOIN " + this.leases
				+ " t ON t.lease_key = ? WHERE NOT (t.state IN ('COMPLETED', 'FAILED') AND t.expires_at <= c.now)";
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

	/**
	 * A multi-table delete, so that the clock and the grace are read once (parameters:
	 * offset, grace) and the condition on {@code expires_at} can use its index.
	 */
	@Override
	String purgeLeases() {
		return "DELETE t FROM " + this.leases + " t JOIN (SELECT " + NOW + " AS now, ? AS grace) c "
				+ "ON t.expires_at <= c.now AND (t.state <> 'HELD' OR t.expires_at + c.grace <= c.now)";
	}

	@Override
	String purgeLocksBatch() {
		return "DELETE FROM " + this.locks + " WHERE expires_at <= " + NOW + " ORDER BY expires_at LIMIT ?";
	}

	/**
	 * Parameters: offset, offset, grace, limit ({@code LIMIT} allows a single table only,
	 * so the clock is read twice; both readings are the statement's one time). The range
	 * on {@code expires_at} is what InnoDB scans and locks, never the whole table.
	 */
	@Override
	String purgeLeasesBatch() {
		return "DELETE FROM " + this.leases + " WHERE expires_at <= " + NOW + " AND (state <> 'HELD' OR expires_at <= "
				+ NOW + " - ?) ORDER BY expires_at LIMIT ?";
	}

	@Override
	@Nullable LockResult tryLock(JdbcTemplate jdbc, String key, long ttl, @Nullable String metadata, long offset) {
		Read<LockRecord> read = Objects.requireNonNull(
				jdbc.queryForObject(this.readLock, (rs, row) -> readLock(rs), offset, key), "the clock row");
		LockRecord current = read.row();
		long now = read.now();
		if (current != null && current.expiresAt().toEpochMilli() > now) {
			return new LockResult(false, current);
		}
		LockRecord taken = new LockRecord(key, Instant.ofEpochMilli(now), Instant.ofEpochMilli(now + ttl), metadata,
				Instant.ofEpochMilli(now));
		if (current == null) {
			try {
				jdbc.update(this.insertLock, key, now, now + ttl, metadata);
				return new LockResult(true, taken);
			}
			catch (DuplicateKeyException ex) {
				// another instance inserted the key first: read again
				return null;
			}
		}
		int updated = jdbc.update(this.takeLock, now, now + ttl, metadata, key, now);
		return (updated == 1) ? new LockResult(true, taken) : null;
	}

	@Override
	@Nullable LeaseResult acquire(JdbcTemplate jdbc, String key, long ttl, String leaseId, @Nullable String metadata,
			long offset) {
		Read<LeaseRecord> read = readLease(jdbc, key, offset);
		LeaseRecord current = read.row();
		long now = read.now();
		if (current != null && !isFree(current, now)) {
			return new LeaseResult(outcomeOf(current.state()), current);
		}
		if (current == null) {
			try {
				jdbc.update(this.insertLease, key, leaseId, now, now + ttl, metadata);
			}
			catch (DuplicateKeyException ex) {
				// another instance inserted the key first: read again
				return null;
			}
			return new LeaseResult(LeaseResult.Outcome.ACQUIRED, held(key, leaseId, 1, now, now, ttl, metadata));
		}
		boolean terminal = current.state() == LeaseState.COMPLETED || current.state() == LeaseState.FAILED;
		long version = terminal ? 1 : current.version() + 1;
		long firstSeen = terminal ? now : current.firstSeenAt().toEpochMilli();
		int updated = jdbc.update(this.takeLease, leaseId, version, firstSeen, now + ttl, metadata, key,
				current.state().name(), current.version(), current.firstSeenAt().toEpochMilli(), now);
		return (updated == 1) ? new LeaseResult(LeaseResult.Outcome.ACQUIRED,
				held(key, leaseId, version, firstSeen, now, ttl, metadata)) : null;
	}

	private static boolean isFree(LeaseRecord lease, long now) {
		return lease.state() == LeaseState.RELEASED || lease.expiresAt().toEpochMilli() <= now;
	}

	private static LeaseRecord held(String key, String leaseId, long version, long firstSeen, long now, long ttl,
			@Nullable String metadata) {
		return new LeaseRecord(key, LeaseState.HELD, leaseId, version, Instant.ofEpochMilli(firstSeen),
				Instant.ofEpochMilli(now + ttl), null, null, null, null, metadata, Instant.ofEpochMilli(now));
	}

	@Override
	@Nullable LeaseRecord extend(JdbcTemplate jdbc, String key, String leaseId, long ttl, long offset) {
		Read<LeaseRecord> read = readLease(jdbc, key, offset);
		LeaseRecord current = read.row();
		if (current == null || !heldBy(current, leaseId)) {
			return null;
		}
		long now = read.now();
		long expiresAt = now + ttl;
		if (jdbc.update(this.extend, expiresAt, key, leaseId) == 0) {
			// with changed-rows counting, an expiry set to the same value counts 0: look
			LeaseRecord again = readLease(jdbc, key, offset).row();
			if (again == null || !heldBy(again, leaseId) || again.expiresAt().toEpochMilli() != expiresAt) {
				return null;
			}
		}
		return new LeaseRecord(key, LeaseState.HELD, leaseId, current.version(), current.firstSeenAt(),
				Instant.ofEpochMilli(expiresAt), null, null, null, null, current.metadataJson(),
				Instant.ofEpochMilli(now));
	}

	private static boolean heldBy(LeaseRecord lease, String leaseId) {
		return lease.state() == LeaseState.HELD && leaseId.equals(lease.leaseId());
	}

	@Override
	@Nullable Instant finish(JdbcTemplate jdbc, String key, String leaseId, LeaseState state, @Nullable String result,
			@Nullable String resultHash, @Nullable String errorCode, long retention, long offset) {
		Object[] arguments = { state.name(), offset, offset, retention, result, resultHash, errorCode, key, leaseId };
		KeyHolder keys = new GeneratedKeyHolder();
		int updated = jdbc.update((connection) -> {
			PreparedStatement statement = connection.prepareStatement(this.finish, Statement.RETURN_GENERATED_KEYS);
			new ArgumentPreparedStatementSetter(arguments).setValues(statement);
			return statement;
		}, keys);
		if (updated != 1) {
			return null;
		}
		Number doneAt = keys.getKeyList().isEmpty() ? null : keys.getKey();
		if (doneAt == null) {
			// a driver that did not hand the time back: the row is terminal now, read it
			doneAt = Objects.requireNonNull(jdbc.queryForObject(this.doneAt, Long.class, key), "done_at");
		}
		return Instant.ofEpochMilli(doneAt.longValue());
	}

	private Read<LeaseRecord> readLease(JdbcTemplate jdbc, String key, long offset) {
		return Objects.requireNonNull(jdbc.queryForObject(this.readLease, (rs, row) -> {
			long now = rs.getLong("now");
			return new Read<>(now, (rs.getString("lease_key") != null) ? JdbcStore.leaseRecord(rs, row) : null);
		}, offset, key), "the clock row");
	}

	private static Read<LockRecord> readLock(ResultSet rs) throws SQLException {
		long now = rs.getLong("now");
		return new Read<>(now, (rs.getString("lock_key") != null) ? JdbcStore.lockRecord(rs, 0) : null);
	}

	/** The database time of a read and the row it found, if any. */
	private record Read<T>(long now, @Nullable T row) {

	}

}
