package tech.onceonly.store.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without an index on {@code expires_at}, the purge on PostgreSQL walks each table in
 * ranges of {@link JdbcStore#RANGE_PAGES} pages (TID range scans): tables of several
 * ranges lose exactly the rows the purge deletes everywhere else, in batches of at most
 * the batch size, and the walk of a run stopped by its time limit is taken up by the next
 * run. PostgreSQL before 14 (no TID range scans) purges with the former batches.
 */
class JdbcPostgresPagedPurgeTests {

	private static final int BATCH = 1000;

	private static final int LOCKS = 60_000;

	private static final int LEASES = 30_000;

	private HikariDataSource dataSource;

	private JdbcTemplate jdbc;

	private String prefix;

	@BeforeEach
	void fill() {
		this.dataSource = PostgresTestDataSources.create(4);
		this.jdbc = new JdbcTemplate(this.dataSource);
		this.prefix = "pghot_purge_" + UUID.randomUUID().toString().substring(0, 8) + "_";
		new JdbcStore(this.dataSource, this.prefix, null).initializeSchema();
		String now = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";
		// two locks in three have expired
		this.jdbc.update("INSERT INTO " + this.prefix + "locks (lock_key, first_seen_at, expires_at) "
				+ "SELECT 'lock-' || g, 0, CASE WHEN g % 3 = 0 THEN " + now + " + 3600000 ELSE " + now
				+ " - 1 END FROM generate_series(1, " + LOCKS + ") g");
		// by g % 5: 0 completed past retention, 1 completed within it, 2 released, 3 held
		// and abandoned eleven minutes ago, 4 held and expired a minute ago (its holder
		// may still complete it): 0, 2 and 3 go
		this.jdbc.update("INSERT INTO " + this.prefix + "leases (lease_key, state, lease_id, version, first_seen_at, "
				+ "expires_at, result) SELECT 'lease-' || g, CASE g % 5 WHEN 0 THEN 'COMPLETED' WHEN 1 THEN "
				+ "'COMPLETED' WHEN 2 THEN 'RELEASED' ELSE 'HELD' END, CASE WHEN g % 5 >= 3 THEN 'id-' || g END, 1, 0, "
				+ "CASE g % 5 WHEN 0 THEN " + now + " - 1 WHEN 1 THEN " + now + " + 3600000 WHEN 2 THEN " + now
				+ " - 1 WHEN 3 THEN " + now + " - 660000 ELSE " + now + " - 60000 END, "
				+ "CASE WHEN g % 5 < 2 THEN repeat('r', 120) END FROM generate_series(1, " + LEASES + ") g");
	}

	@AfterEach
	void drop() {
		if (this.jdbc == null) {
			// the server is not configured: the test was skipped in fill()
			return;
		}
		for (String table : List.of("locks", "leases", "gov_policies", "gov_agents", "gov_counters", "gov_audit",
				"gov_tools", "gov_events")) {
			this.jdbc.execute("DROP TABLE IF EXISTS " + this.prefix + table);
		}
		this.dataSource.close();
	}

	@Test
	void purgeShouldWalkTablesOfSeveralRangesAndDeleteExactlyWhatNoLongerMatters() {
		assertThat(pages("locks")).isGreaterThan(3L * JdbcStore.RANGE_PAGES);
		assertThat(pages("leases")).isGreaterThan(3L * JdbcStore.RANGE_PAGES);
		List<String> batches = new ArrayList<>();
		JdbcPurge.Result result = new JdbcPurge(store(), null, BATCH, Duration.ofMinutes(10),
				(table, rows) -> batches.add(table + "=" + rows))
			.run();
		assertThat(result.complete()).isTrue();
		assertThat(result.deleted()).isEqualTo(Map.of("locks", 40_000L, "leases", 18_000L));
		// full batches, then one short batch at the end of each table's walk
		assertThat(batches.stream().filter((batch) -> batch.startsWith("locks="))).hasSize(41).endsWith("locks=0");
		assertThat(batches.stream().filter((batch) -> batch.startsWith("leases="))).hasSize(19).endsWith("leases=0");
		assertThat(batches).allSatisfy((batch) -> assertThat(rows(batch)).isBetween(0, BATCH));
		assertRemaining();
		assertThat(
				new JdbcPurge(store(), null, BATCH, Duration.ofMinutes(10), JdbcPurge.BatchListener.NONE).run().total())
			.isZero();
	}

	@Test
	void aWalkPastItsDeadlineShouldStopBetweenStatementsAndGoOnFromThereLater() {
		PurgePass pass = store().locksPurgePass();
		long later = System.nanoTime() + Duration.ofMinutes(10).toNanos();
		assertThat(pass.delete(BATCH, later)).isEqualTo(BATCH);
		// a deadline already passed: no statement runs, the walk is not finished
		assertThat(pass.delete(BATCH, System.nanoTime() - 1)).isZero();
		assertThat(pass.finished()).isFalse();
		long total = BATCH;
		int rows;
		do {
			rows = pass.delete(BATCH, later);
			total += rows;
		}
		while (rows == BATCH || !pass.finished());
		assertThat(total).isEqualTo(40_000);
		// a run stopped by its time limit (half of a 2 ms guard) leaves the rest to the
		// next run
		JdbcPurge.Result stopped = new JdbcPurge(store(), null, BATCH, Duration.ofMillis(2),
				JdbcPurge.BatchListener.NONE)
			.run();
		assertThat(stopped.complete()).isFalse();
		JdbcPurge.Result next = new JdbcPurge(store(), null, BATCH, Duration.ofMinutes(10),
				JdbcPurge.BatchListener.NONE)
			.run();
		assertThat(next.complete()).isTrue();
		assertThat(stopped.total() + next.total()).isEqualTo(18_000);
		assertRemaining();
	}

	@Test
	void withoutTidRangeScansThePurgeShouldStillDeleteTheSameRows() {
		JdbcStore store = store();
		store.disableTidRangeScans();
		List<Integer> batches = new ArrayList<>();
		JdbcPurge.Result result = new JdbcPurge(store, null, BATCH, Duration.ofMinutes(10),
				(table, rows) -> batches.add(rows))
			.run();
		assertThat(result.complete()).isTrue();
		assertThat(result.deleted()).isEqualTo(Map.of("locks", 40_000L, "leases", 18_000L));
		assertThat(batches).allSatisfy((rows) -> assertThat(rows).isBetween(0, BATCH));
		assertRemaining();
	}

	@Test
	void eachRangeStatementShouldScanOnlyItsPages() {
		PostgresSql sql = new PostgresSql(this.prefix);
		String plan = String.join("\n", this.jdbc.queryForList("EXPLAIN " + sql.purgeLeasesRange(), String.class, 0L,
				600_000L, "(128,0)", "(256,0)", BATCH, 600_000L));
		assertThat(plan).contains("Tid Range Scan").doesNotContain("Seq Scan");
		plan = String.join("\n", this.jdbc.queryForList("EXPLAIN " + sql.purgeLocksRange(), String.class, 0L, "(0,0)",
				"(128,0)", BATCH));
		assertThat(plan).contains("Tid Range Scan").doesNotContain("Seq Scan");
	}

	private void assertRemaining() {
		assertThat(count("locks", "lock_key LIKE 'lock-%'")).isEqualTo(LOCKS / 3);
		assertThat(count("locks", "lock_key LIKE 'lock-%' AND substr(lock_key, 6)::int % 3 <> 0")).isZero();
		assertThat(count("leases", "true")).isEqualTo(LEASES * 2 / 5);
		assertThat(count("leases", "substr(lease_key, 7)::int % 5 NOT IN (1, 4)")).isZero();
	}

	private JdbcStore store() {
		return new JdbcStore(this.dataSource, this.prefix, null);
	}

	private int count(String table, String condition) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM " + this.prefix + table + " WHERE " + condition,
				Integer.class);
	}

	private long pages(String table) {
		return this.jdbc.queryForObject("SELECT pg_relation_size(?::regclass) / 8192", Long.class, this.prefix + table);
	}

	private static int rows(String batch) {
		return Integer.parseInt(batch.substring(batch.indexOf('=') + 1));
	}

}
