package tech.onceonly.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.util.StreamUtils;

import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.LockRecord;
import tech.onceonly.store.LockResult;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.StoreException;

/**
 * A store in a relational database (PostgreSQL, MariaDB/MySQL or H2) shared by every JVM
 * that uses the same tables. Each operation is one atomic SQL statement whose conditions
 * (expiry, fencing by lease id, terminal states) are evaluated by the database against
 * the database clock; the JVM clock is never consulted.
 * <p>
 * On PostgreSQL ({@link PostgresSql}) an acquisition is first one
 * {@code INSERT … ON CONFLICT DO NOTHING RETURNING} that also reads the row it met, so a
 * new key and a duplicate are one statement and a duplicate writes nothing (no row lock,
 * no WAL); only a released or expired row goes on to a statement that reads it again and
 * runs {@code INSERT … ON CONFLICT … DO UPDATE … WHERE <expired> RETURNING}. H2
 * ({@link H2Sql}) has no such upsert, so an acquisition there is a short sequence of
 * conditional statements (insert, else update where expired, else read), each atomic on
 * its own and retried when a concurrent writer slipped in between; it never decides in
 * Java on a value it read earlier. MariaDB and MySQL ({@link MariaDbSql}) have neither
 * {@code RETURNING} nor a conditional upsert, so an acquisition there reads the row and
 * the clock first (a duplicate ends there, without a lock or a write) and writes a free
 * key with an insert or an update that checks again that the row is still the one read.
 * <p>
 * Statements run on their own connections, outside any transaction of the caller, in
 * auto-commit mode even when the pool hands out connections with auto-commit off (the
 * store switches it on for its use and back on close), so every write commits: a lease is
 * visible to other JVMs at once and a completion survives a rollback of the caller's
 * transaction (the side effect it records has already happened). The pool therefore needs
 * a connection to spare beside those held by open transactions.
 */
public final class JdbcStore implements OnceOnlyStore {

	/** The default prefix of the table names. */
	public static final String DEFAULT_TABLE_PREFIX = "onceonly_";

	private static final Pattern TABLE_PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private static final Pattern INDEX_NAME = Pattern.compile("(CREATE INDEX IF NOT EXISTS )" + DEFAULT_TABLE_PREFIX);

	private static final String INDEX_MARK = "\u0000index\u0000";

	private static final long EXPIRED_HOLDER_GRACE_MILLIS = Duration.ofMinutes(10).toMillis();

	private static final int MAX_ATTEMPTS = 16;

	/**
	 * The pages one purge statement scans on PostgreSQL (1 MiB with the default 8 KiB
	 * pages).
	 */
	static final int RANGE_PAGES = 128;

	static final String LEASE_COLUMNS = "lease_key, state, lease_id, version, first_seen_at, expires_at, done_at, "
			+ "result, result_hash, error_code, metadata";

	private final JdbcTemplate jdbc;

	private final DataSource dataSource;

	private final Platform platform;

	private final String tablePrefix;

	private final Sql sql;

	private volatile long timeOffsetMillis;

	private volatile @Nullable Boolean tidRangeScans;

	/**
	 * A store on {@code dataSource} with the default table prefix, its platform detected
	 * from the connection.
	 * @param dataSource the database
	 */
	public JdbcStore(DataSource dataSource) {
		this(dataSource, DEFAULT_TABLE_PREFIX, null);
	}

	/**
	 * A store on {@code dataSource}.
	 * @param dataSource the database
	 * @param tablePrefix the prefix of the two table names (letters, digits, underscores,
	 * optionally {@code schema.prefix})
	 * @param platform the database platform, or {@code null} to detect it from the
	 * connection
	 */
	public JdbcStore(DataSource dataSource, String tablePrefix, @Nullable Platform platform) {
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
		if (!TABLE_PREFIX.matcher(tablePrefix).matches()) {
			throw new IllegalArgumentException("Invalid OnceOnly table prefix '" + tablePrefix
					+ "': use letters, digits and underscores (optionally schema.prefix)");
		}
		this.tablePrefix = tablePrefix;
		this.platform = (platform != null) ? platform : Platform.detect(dataSource);
		this.jdbc = new JdbcTemplate(new AutoCommitDataSource(dataSource));
		this.sql = switch (this.platform) {
			case POSTGRESQL -> new PostgresSql(tablePrefix);
			case MARIADB -> new MariaDbSql(tablePrefix);
			case H2 -> new H2Sql(tablePrefix);
		};
	}

	/** The database platform whose SQL this store speaks. */
	public Platform platform() {
		return this.platform;
	}

	/** The name of the table of check-lock keys. */
	public String locksTable() {
		return this.tablePrefix + "locks";
	}

	/** The name of the table of leases. */
	public String leasesTable() {
		return this.tablePrefix + "leases";
	}

	/**
	 * Shifts the store's clock by {@code offset} on top of the database clock. Only for
	 * tests, which move time instead of sleeping (through their {@code StoreTimeShift});
	 * not part of the API.
	 * @param offset the shift, added to the database time in every expiry decision
	 */
	void setTimeOffset(Duration offset) {
		this.timeOffsetMillis = offset.toMillis();
	}

	/**
	 * The current shift of the store's clock (zero unless
	 * {@link #setTimeOffset(Duration)} was used).
	 */
	Duration getTimeOffset() {
		return Duration.ofMillis(this.timeOffsetMillis);
	}

	/**
	 * Creates the tables (and, except on PostgreSQL, their {@code expires_at} indexes)
	 * when they do not exist, from this platform's script
	 * ({@code tech/onceonly/store/jdbc/schema-<platform>.sql}) with the table prefix
	 * applied.
	 */
	public void initializeSchema() {
		String script = schemaScript(this.platform, this.tablePrefix);
		ResourceDatabasePopulator populator = new ResourceDatabasePopulator(new ByteArrayResource(
				script.getBytes(StandardCharsets.UTF_8), "OnceOnly " + this.platform + " schema"));
		try {
			populator.execute(this.dataSource);
		}
		catch (DataAccessException ex) {
			throw new StoreException("Could not create the OnceOnly tables " + locksTable() + " and " + leasesTable()
					+ ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * The schema script of {@code platform} with {@code tablePrefix} applied, as
	 * {@link #initializeSchema()} runs it.
	 */
	public static String schemaScript(Platform platform, String tablePrefix) {
		if (!TABLE_PREFIX.matcher(tablePrefix).matches()) {
			throw new IllegalArgumentException("Invalid OnceOnly table prefix '" + tablePrefix
					+ "': use letters, digits and underscores (optionally schema.prefix)");
		}
		try {
			String script = StreamUtils.copyToString(new ClassPathResource(platform.schemaLocation()).getInputStream(),
					StandardCharsets.UTF_8);
			// An index lives in its table's schema and PostgreSQL refuses a qualified
			// index name: only the part of the prefix after the schema names the index.
			String local = tablePrefix.substring(tablePrefix.indexOf('.') + 1);
			return INDEX_NAME.matcher(script)
				.replaceAll("$1" + INDEX_MARK)
				.replace(DEFAULT_TABLE_PREFIX, tablePrefix)
				.replace(INDEX_MARK, local);
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException("Cannot read " + platform.schemaLocation(), ex);
		}
	}

	@Override
	public String type() {
		return "jdbc";
	}

	@Override
	public Instant now() {
		Long now = run("read the clock",
				() -> this.jdbc.queryForObject(this.sql.now(), Long.class, this.timeOffsetMillis));
		return Instant.ofEpochMilli(Objects.requireNonNull(now));
	}

	@Override
	public LockResult tryLock(String key, Duration ttl, @Nullable String metadataJson) {
		return run("take the lock", () -> {
			for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
				LockResult result = this.sql.tryLock(this.jdbc, key, ttl.toMillis(), metadataJson,
						this.timeOffsetMillis);
				if (result != null
						&& (result.acquired() || result.record().expiresAt().isAfter(result.record().now()))) {
					return result;
				}
			}
			throw new StoreException("Could not take the lock on a key under constant contention");
		});
	}

	@Override
	public @Nullable LockRecord getLock(String key) {
		return run("read the lock",
				() -> first(this.jdbc.query(this.sql.getLock(), JdbcStore::lockRecord, this.timeOffsetMillis, key)));
	}

	@Override
	public boolean releaseLock(String key) {
		return run("release the lock",
				() -> this.jdbc.update("DELETE FROM " + locksTable() + " WHERE lock_key = ?", key) > 0);
	}

	@Override
	public LeaseResult acquireLease(String key, Duration ttl, String newLeaseId, @Nullable String metadataJson) {
		return run("acquire the lease", () -> {
			for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
				LeaseResult result = this.sql.acquire(this.jdbc, key, ttl.toMillis(), newLeaseId, metadataJson,
						this.timeOffsetMillis);
				if (result != null && consistent(result)) {
					return result;
				}
			}
			throw new StoreException("Could not acquire the lease on a key under constant contention");
		});
	}

	/**
	 * A lost race reads a row that the statement would have taken: try again rather than
	 * report it.
	 */
	private static boolean consistent(LeaseResult result) {
		LeaseRecord record = result.record();
		return switch (result.outcome()) {
			case ACQUIRED -> true;
			case HELD_BY_OTHER -> record.isHeld();
			case COMPLETED, FAILED -> record.expiresAt().isAfter(record.now());
		};
	}

	@Override
	public @Nullable LeaseRecord extendLease(String key, String leaseId, Duration ttl) {
		return run("extend the lease",
				() -> this.sql.extend(this.jdbc, key, leaseId, ttl.toMillis(), this.timeOffsetMillis));
	}

	@Override
	public @Nullable Instant completeLease(String key, String leaseId, @Nullable String resultJson,
			@Nullable String resultHash, Duration retention) {
		return run("complete the lease", () -> this.sql.finish(this.jdbc, key, leaseId, LeaseState.COMPLETED,
				resultJson, resultHash, null, retention.toMillis(), this.timeOffsetMillis));
	}

	@Override
	public @Nullable Instant failLease(String key, String leaseId, String errorCode, @Nullable String errorHash,
			Duration retention) {
		return run("fail the lease", () -> this.sql.finish(this.jdbc, key, leaseId, LeaseState.FAILED, null, null,
				errorCode, retention.toMillis(), this.timeOffsetMillis));
	}

	@Override
	public boolean cancelLease(String key, String leaseId) {
		return run("cancel the lease",
				() -> this.jdbc.update(this.sql.cancel(), this.timeOffsetMillis, key, leaseId) > 0);
	}

	@Override
	public @Nullable LeaseRecord getLease(String key) {
		return run("read the lease",
				() -> first(this.jdbc.query(this.sql.getLease(), JdbcStore::leaseRecord, this.timeOffsetMillis, key)));
	}

	@Override
	public boolean deleteLease(String key) {
		return run("delete the lease",
				() -> this.jdbc.update("DELETE FROM " + leasesTable() + " WHERE lease_key = ?", key) > 0);
	}

	/**
	 * Deletes the rows that no longer matter: locks past their ttl, terminal leases past
	 * their retention, released leases, and leases whose holder stopped heartbeating more
	 * than ten minutes ago, in one statement per table. The starter schedules the batched
	 * {@link JdbcPurge} instead ({@code onceonly.store.jdbc.purge.*}); correctness never
	 * depends on purging, only the table size does.
	 * @return how many rows were deleted
	 */
	public int purgeExpired() {
		return run("purge expired rows", () -> this.jdbc.update(this.sql.purgeLocks(), this.timeOffsetMillis)
				+ this.jdbc.update(this.sql.purgeLeases(), this.timeOffsetMillis, EXPIRED_HOLDER_GRACE_MILLIS));
	}

	/**
	 * Deletes at most {@code limit} expired locks (as {@link #purgeExpired()} would);
	 * returns how many went. For {@link JdbcPurge}, which repeats it until a batch comes
	 * back short.
	 */
	int purgeExpiredLocks(int limit) {
		return run("purge expired locks",
				() -> this.jdbc.update(this.sql.purgeLocksBatch(), this.timeOffsetMillis, limit));
	}

	/**
	 * A purge pass over the locks for {@link JdbcPurge}: on PostgreSQL 14 or later a walk
	 * over the table in ranges of pages (no index on {@code expires_at} is needed), else
	 * batches of {@link #purgeExpiredLocks(int)} until one comes back short.
	 */
	PurgePass locksPurgePass() {
		if (this.sql instanceof PostgresSql postgres && tidRangeScans()) {
			return new PageRangePass("purge expired locks", locksTable(), (lo, hi, limit) -> this.jdbc
				.update(postgres.purgeLocksRange(), this.timeOffsetMillis, lo, hi, limit));
		}
		return new BatchPass(this::purgeExpiredLocks);
	}

	/**
	 * A purge pass over the leases for {@link JdbcPurge}, as {@link #locksPurgePass()}.
	 */
	PurgePass leasesPurgePass() {
		if (this.sql instanceof PostgresSql postgres && tidRangeScans()) {
			return new PageRangePass("purge expired leases", leasesTable(),
					(lo, hi, limit) -> this.jdbc.update(postgres.purgeLeasesRange(), this.timeOffsetMillis,
							EXPIRED_HOLDER_GRACE_MILLIS, lo, hi, limit, EXPIRED_HOLDER_GRACE_MILLIS));
		}
		return new BatchPass(this::purgeExpiredLeases);
	}

	/**
	 * Whether the database runs TID range scans (PostgreSQL 14 or later), asked once;
	 * older versions purge with unbounded scans per batch (slower, still correct).
	 */
	private boolean tidRangeScans() {
		Boolean known = this.tidRangeScans;
		if (known == null) {
			Integer major = run("read the database version", () -> this.jdbc
				.execute((java.sql.Connection connection) -> connection.getMetaData().getDatabaseMajorVersion()));
			known = major != null && major >= 14;
			this.tidRangeScans = known;
		}
		return known;
	}

	/** Only for tests: pretend the database has no TID range scans (PostgreSQL 13). */
	void disableTidRangeScans() {
		this.tidRangeScans = false;
	}

	/** The number of pages of {@code table} (PostgreSQL). */
	private long pages(String table) {
		Long pages = run("read the size of " + table,
				() -> this.jdbc.queryForObject(
						"SELECT pg_relation_size(?::regclass) / current_setting('block_size')::bigint", Long.class,
						table));
		return (pages != null) ? pages : 0;
	}

	/** Batches of one bounded statement each; a short batch ends the pass. */
	private static final class BatchPass implements PurgePass {

		private final java.util.function.IntUnaryOperator batch;

		BatchPass(java.util.function.IntUnaryOperator batch) {
			this.batch = batch;
		}

		@Override
		public int delete(int limit, long deadline) {
			return this.batch.applyAsInt(limit);
		}

		@Override
		public boolean finished() {
			return true;
		}

	}

	/** Deletes at most {@code limit} rows of the pages in [{@code lo}, {@code hi}). */
	@FunctionalInterface
	private interface RangeDelete {

		int delete(String lo, String hi, int limit);

	}

	/**
	 * One walk over a PostgreSQL table in ranges of {@value #RANGE_PAGES} pages, each
	 * statement a TID range scan of one range that deletes at most the rows the batch
	 * still lacks. The table's size is read when the pass starts; rows added beyond it
	 * are left to the next pass.
	 */
	private final class PageRangePass implements PurgePass {

		private final String what;

		private final String table;

		private final RangeDelete range;

		private long next;

		private long end = -1;

		PageRangePass(String what, String table, RangeDelete range) {
			this.what = what;
			this.table = table;
			this.range = range;
		}

		@Override
		public int delete(int limit, long deadline) {
			if (this.end < 0) {
				this.end = pages(this.table);
			}
			int deleted = 0;
			while (deleted < limit && this.next < this.end && System.nanoTime() - deadline < 0) {
				int wanted = limit - deleted;
				String lo = "(" + this.next + ",0)";
				String hi = "(" + (this.next + RANGE_PAGES) + ",0)";
				int rows = run(this.what, () -> this.range.delete(lo, hi, wanted));
				deleted += rows;
				if (rows < wanted) {
					// the range holds no more such rows; a full statement may have left
					// some
					this.next += RANGE_PAGES;
				}
			}
			return deleted;
		}

		@Override
		public boolean finished() {
			return this.end >= 0 && this.next >= this.end;
		}

	}

	/**
	 * Deletes at most {@code limit} leases that no longer matter (as
	 * {@link #purgeExpired()} would); returns how many went.
	 */
	int purgeExpiredLeases(int limit) {
		Object[] parameters = switch (this.platform) {
			case POSTGRESQL ->
				new Object[] { this.timeOffsetMillis, EXPIRED_HOLDER_GRACE_MILLIS, limit, EXPIRED_HOLDER_GRACE_MILLIS };
			case MARIADB ->
				new Object[] { this.timeOffsetMillis, this.timeOffsetMillis, EXPIRED_HOLDER_GRACE_MILLIS, limit };
			case H2 -> new Object[] { this.timeOffsetMillis, EXPIRED_HOLDER_GRACE_MILLIS, limit };
		};
		return run("purge expired leases", () -> this.jdbc.update(this.sql.purgeLeasesBatch(), parameters));
	}

	/**
	 * Deletes at most {@code limit} rows of {@code table} matching {@code condition} (one
	 * parameter, {@code value}); on PostgreSQL the condition is checked again on the row
	 * being deleted, so a row changed in between stays when it no longer matches.
	 */
	static int boundedDelete(JdbcTemplate jdbc, Platform platform, String table, String condition, long value,
			int limit) {
		if (platform == Platform.POSTGRESQL) {
			return jdbc.update("DELETE FROM " + table + " WHERE ctid = ANY (ARRAY(SELECT ctid FROM " + table + " WHERE "
					+ condition + " LIMIT ?)) AND " + condition, value, limit, value);
		}
		if (platform == Platform.MARIADB) {
			return jdbc.update("DELETE FROM " + table + " WHERE " + condition + " LIMIT ?", value, limit);
		}
		return jdbc.update("DELETE FROM " + table + " WHERE " + condition + " FETCH FIRST ? ROWS ONLY", value, limit);
	}

	/**
	 * Runs one store operation; a serialization failure or deadlock (the statement was
	 * rolled back, see {@link TransientFailures}) runs it again after a short random
	 * pause, up to {@link TransientFailures#MAX_ATTEMPTS} times.
	 */
	private <T> T run(String what, java.util.function.Supplier<T> action) {
		for (int attempt = 1;; attempt++) {
			try {
				return action.get();
			}
			catch (DataAccessException ex) {
				boolean retry = attempt < TransientFailures.MAX_ATTEMPTS && TransientFailures.isTransient(ex)
						&& TransientFailures.backOff(attempt);
				if (!retry) {
					String attempts = TransientFailures.isTransient(ex) ? " after " + attempt + " attempts" : "";
					throw new StoreException("The OnceOnly JDBC store could not " + what + " (" + this.platform
							+ ", tables " + locksTable() + "/" + leasesTable() + ")" + attempts + ": "
							+ StoreException.describe(ex.getMostSpecificCause()), ex);
				}
			}
		}
	}

	static <T> @Nullable T first(List<T> rows) {
		return rows.isEmpty() ? null : rows.get(0);
	}

	static LockRecord lockRecord(ResultSet rs, int row) throws SQLException {
		return new LockRecord(rs.getString("lock_key"), Instant.ofEpochMilli(rs.getLong("first_seen_at")),
				Instant.ofEpochMilli(rs.getLong("expires_at")), rs.getString("metadata"),
				Instant.ofEpochMilli(rs.getLong("now")));
	}

	static LeaseRecord leaseRecord(ResultSet rs, int row) throws SQLException {
		long doneAt = rs.getLong("done_at");
		Instant done = rs.wasNull() ? null : Instant.ofEpochMilli(doneAt);
		return new LeaseRecord(rs.getString("lease_key"), LeaseState.valueOf(rs.getString("state")),
				rs.getString("lease_id"), rs.getLong("version"), Instant.ofEpochMilli(rs.getLong("first_seen_at")),
				Instant.ofEpochMilli(rs.getLong("expires_at")), done, rs.getString("result"),
				rs.getString("result_hash"), rs.getString("error_code"), rs.getString("metadata"),
				Instant.ofEpochMilli(rs.getLong("now")));
	}

	/** The database platforms this store speaks. */
	public enum Platform {

		/** PostgreSQL 9.5 or later (upserts with {@code ON CONFLICT}). */
		POSTGRESQL("postgresql"),

		/**
		 * MariaDB 10.6 or later and MySQL 8.0 or later, with InnoDB tables (one dialect;
		 * the tests run on MariaDB).
		 */
		MARIADB("mariadb"),

		/** H2 2.x (data change delta tables). */
		H2("h2");

		private final String id;

		Platform(String id) {
			this.id = id;
		}

		/**
		 * The platform's id as used in script names ({@code postgresql}, {@code mariadb},
		 * {@code h2}).
		 */
		public String id() {
			return this.id;
		}

		/** The classpath location of the platform's schema script. */
		public String schemaLocation() {
			return "tech/onceonly/store/jdbc/schema-" + this.id + ".sql";
		}

		/** The platform of {@code dataSource}, from its connection's product name. */
		public static Platform detect(DataSource dataSource) {
			String product;
			try {
				product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
			}
			catch (MetaDataAccessException ex) {
				throw new StoreException("Cannot detect the database of the OnceOnly JDBC store: " + ex.getMessage(),
						ex);
			}
			String name = product.toLowerCase(Locale.ROOT);
			if (name.contains("postgresql")) {
				return POSTGRESQL;
			}
			if (name.contains("mariadb") || name.contains("mysql")) {
				return MARIADB;
			}
			if (name.equals("h2")) {
				return H2;
			}
			throw new StoreException("The OnceOnly JDBC store supports PostgreSQL, MariaDB, MySQL and H2, not "
					+ product + "; use onceonly.store.type=redis or memory, or give the platform explicitly");
		}

	}

}
