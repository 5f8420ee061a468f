package tech.onceonly.store.jdbc;

import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import tech.onceonly.store.AuditRecord;
import tech.onceonly.store.LeaseResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A schema-qualified table prefix ({@code schema.onceonly_}) creates its tables and
 * indexes in that schema and the stores work there, on H2, PostgreSQL and MariaDB (where
 * a schema is a database).
 */
class JdbcSchemaPrefixTests {

	@Test
	void schemaScriptShouldNameIndexesWithoutTheSchema() {
		assertThat(JdbcStore.schemaScript(JdbcStore.Platform.POSTGRESQL, "app.onceonly_"))
			.contains("CREATE TABLE IF NOT EXISTS app.onceonly_locks",
					"CREATE INDEX IF NOT EXISTS onceonly_gov_counters_expires_idx ON app.onceonly_gov_counters",
					// dropping the index of earlier versions names it in its schema
					"DROP INDEX IF EXISTS app.onceonly_locks_expires_idx",
					"ALTER TABLE app.onceonly_leases SET (fillfactor = 85)")
			.doesNotContain("CREATE INDEX IF NOT EXISTS app.");
	}

	@Test
	void schemaQualifiedPrefixShouldWorkOnH2() {
		try (HikariDataSource dataSource = JdbcGovernanceTestSupport.h2("prefix-" + UUID.randomUUID())) {
			assertStoresWorkInSchema(dataSource, "ops_h2");
		}
	}

	@Test
	void schemaQualifiedPrefixShouldWorkOnPostgres() {
		try (HikariDataSource dataSource = PostgresTestDataSources.create(4)) {
			new JdbcTemplate(dataSource).execute("DROP SCHEMA IF EXISTS ops_pg CASCADE");
			assertStoresWorkInSchema(dataSource, "ops_pg");
		}
	}

	@Test
	void schemaQualifiedPrefixShouldWorkOnMariaDb() {
		try (HikariDataSource dataSource = MariaDbTestDataSources.create(4)) {
			new JdbcTemplate(dataSource).execute("DROP DATABASE IF EXISTS ops_md");
			try {
				assertStoresWorkInSchema(dataSource, "ops_md");
			}
			finally {
				new JdbcTemplate(dataSource).execute("DROP DATABASE IF EXISTS ops_md");
			}
		}
	}

	private static void assertStoresWorkInSchema(DataSource dataSource, String schema) {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		jdbc.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
		String prefix = schema + ".onceonly_";
		JdbcStore store = new JdbcStore(dataSource, prefix, null);
		store.initializeSchema();
		store.initializeSchema();
		JdbcGovernanceStore governance = new JdbcGovernanceStore(dataSource, prefix, null, Duration.ofDays(1));
		governance.initializeSchema();
		String leaseId = UUID.randomUUID().toString();
		assertThat(store.acquireLease("k", Duration.ofMinutes(1), leaseId, null).outcome())
			.isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(store.tryLock("l", Duration.ofMinutes(1), null).acquired()).isTrue();
		governance.appendAudit(new AuditRecord(governance.now(), "agent", "tool", "allow", "ok", null, null, 0, null));
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + schema + ".onceonly_leases", Integer.class))
			.isEqualTo(1);
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + schema + ".onceonly_gov_audit", Integer.class))
			.isEqualTo(1);
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM information_schema.tables WHERE LOWER(table_schema) = ? "
				+ "AND LOWER(table_name) LIKE 'onceonly_%'", Integer.class, schema))
			.isEqualTo(8);
	}

}
