package tech.onceonly.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import tech.onceonly.store.LeaseResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On PostgreSQL the lock and lease tables carry only their primary key, so the updates of
 * a lease (completion, heartbeat, cancel), which change {@code expires_at}, are HOT
 * updates: no new index entry, and the new version stays on the row's page (the leases
 * table's fill factor leaves it room). Counted with {@code pg_stat_user_tables} on one
 * connection whose statistics are flushed before they are read.
 */
class JdbcPostgresHotUpdateTests {

	private static final String RESULT = "{\"status\":201,\"headers\":{\"Content-Type\":\"application/json\"},"
			+ "\"body\":\"eyJpZCI6NDIsInN0YXR1cyI6ImNyZWF0ZWQifQ==\"}";

	private static final String HASH = "sha-256:7d1a54127b222502f5b79b5fb0803061152a44f92b37e23c6527baf665d4da9a";

	private HikariDataSource pool;

	private Connection connection;

	private SingleConnectionDataSource single;

	private String prefix;

	private JdbcTemplate jdbc;

	@BeforeEach
	void connect() throws SQLException {
		HikariDataSource pool = PostgresTestDataSources.create(2);
		this.connection = pool.getConnection();
		this.pool = pool;
		this.single = new SingleConnectionDataSource(this.connection, true);
		this.jdbc = new JdbcTemplate(this.single);
		this.prefix = "pghot_" + UUID.randomUUID().toString().substring(0, 8) + "_";
	}

	@AfterEach
	void drop() throws SQLException {
		if (this.pool == null) {
			// the server is not configured: the test was skipped in connect()
			return;
		}
		for (String table : List.of("locks", "leases", "gov_policies", "gov_agents", "gov_counters", "gov_audit",
				"gov_tools", "gov_events")) {
			this.jdbc.execute("DROP TABLE IF EXISTS " + this.prefix + table);
		}
		this.connection.close();
		this.pool.close();
	}

	private JdbcStore store() {
		JdbcStore store = new JdbcStore(this.single, this.prefix, null);
		store.initializeSchema();
		return store;
	}

	@Test
	void freshInstallShouldIndexLocksAndLeasesOnlyByTheirKey() {
		store();
		assertThat(indexes("locks")).containsExactly(this.prefix + "locks_pkey");
		assertThat(indexes("leases")).containsExactly(this.prefix + "leases_pkey");
		assertThat(options("leases")).contains("fillfactor=85");
		// the governance counters keep the index their purge uses
		assertThat(indexes("gov_counters")).contains(this.prefix + "gov_counters_expires_idx");
	}

	@Test
	void tablesOfAnEarlierVersionShouldLoseTheirExpiryIndexesAndGetTheFillFactor() {
		// what the schema script of the previous version created
		this.jdbc.execute("CREATE TABLE " + this.prefix + "locks (lock_key VARCHAR(1024) NOT NULL PRIMARY KEY, "
				+ "first_seen_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, metadata TEXT)");
		this.jdbc.execute("CREATE INDEX " + this.prefix + "locks_expires_idx ON " + this.prefix + "locks (expires_at)");
		this.jdbc.execute("CREATE TABLE " + this.prefix + "leases (lease_key VARCHAR(1024) NOT NULL PRIMARY KEY, "
				+ "state VARCHAR(16) NOT NULL, lease_id VARCHAR(128), version BIGINT NOT NULL, "
				+ "first_seen_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, done_at BIGINT, result TEXT, "
				+ "result_hash VARCHAR(256), error_code VARCHAR(256), metadata TEXT)");
		this.jdbc
			.execute("CREATE INDEX " + this.prefix + "leases_expires_idx ON " + this.prefix + "leases (expires_at)");
		JdbcStore store = store();
		assertThat(indexes("locks")).containsExactly(this.prefix + "locks_pkey");
		assertThat(indexes("leases")).containsExactly(this.prefix + "leases_pkey");
		assertThat(options("leases")).contains("fillfactor=85");
		// and running the script again (every start with initialize-schema=always)
		// changes nothing
		store.initializeSchema();
		assertThat(indexes("leases")).containsExactly(this.prefix + "leases_pkey");
		assertThat(acquire(store, "k").outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
	}

	@Test
	void completionHeartbeatAndCancelShouldBeHotUpdates() {
		JdbcStore store = store();
		long[] before = updates();
		int keys = 300;
		for (int i = 0; i < keys; i++) {
			// one request after the other, as a first request is: acquire, heartbeat,
			// then complete (or cancel, one in five)
			String key = "order-" + UUID.randomUUID();
			String leaseId = acquire(store, key).record().leaseId();
			assertThat(store.extendLease(key, leaseId, Duration.ofMinutes(2))).isNotNull();
			if (i % 5 == 0) {
				assertThat(store.cancelLease(key, leaseId)).isTrue();
			}
			else {
				assertThat(store.completeLease(key, leaseId, RESULT, HASH, Duration.ofHours(24))).isNotNull();
			}
		}
		long[] after = updates();
		assertThat(pages("leases")).as("the leases span several pages").isGreaterThan(3);
		assertThat(after[0] - before[0]).as("updates").isEqualTo(2L * keys);
		assertThat(after[1] - before[1]).as("HOT updates").isEqualTo(2L * keys);
	}

	@Test
	void withTheExpiryIndexOfEarlierVersionsACompletionWasNotHot() {
		JdbcStore store = store();
		this.jdbc
			.execute("CREATE INDEX " + this.prefix + "leases_expires_idx ON " + this.prefix + "leases (expires_at)");
		long[] before = updates();
		for (int i = 0; i < 20; i++) {
			String key = "order-" + i;
			String leaseId = acquire(store, key).record().leaseId();
			assertThat(store.completeLease(key, leaseId, RESULT, HASH, Duration.ofHours(24))).isNotNull();
		}
		long[] after = updates();
		assertThat(after[0] - before[0]).isEqualTo(20);
		assertThat(after[1] - before[1]).isZero();
	}

	private static LeaseResult acquire(JdbcStore store, String key) {
		LeaseResult result = store.acquireLease(key, Duration.ofMinutes(1), UUID.randomUUID().toString(), null);
		assertThat(result.outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		return result;
	}

	/** Updates and HOT updates of the leases table so far, this connection's flushed. */
	private long[] updates() {
		this.jdbc.execute("SELECT pg_stat_force_next_flush()");
		// the flush happens when the backend goes idle after the statement above; a new
		// statement reads the shared statistics afresh (fetch consistency per statement)
		this.jdbc.execute("SELECT pg_stat_clear_snapshot()");
		return this.jdbc.queryForObject(
				"SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relid = ?::regclass",
				(rs, row) -> new long[] { rs.getLong(1), rs.getLong(2) }, this.prefix + "leases");
	}

	private List<String> indexes(String table) {
		return this.jdbc.queryForList(
				"SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = ?::regclass " + "ORDER BY 1",
				String.class, this.prefix + table);
	}

	private String options(String table) {
		return String.valueOf(this.jdbc.queryForObject(
				"SELECT coalesce(array_to_string(reloptions, ','), '') FROM pg_class WHERE oid = ?::regclass",
				String.class, this.prefix + table));
	}

	private long pages(String table) {
		return this.jdbc.queryForObject("SELECT pg_relation_size(?::regclass) / 8192", Long.class, this.prefix + table);
	}

}
