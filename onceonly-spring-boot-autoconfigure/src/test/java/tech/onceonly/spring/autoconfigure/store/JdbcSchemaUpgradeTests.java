package tech.onceonly.spring.autoconfigure.store;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.TestServices;
import tech.onceonly.store.jdbc.JdbcStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upgrading a PostgreSQL install made by the previous version of the starter's migrations
 * (the scripts of that version are kept under {@code tech/onceonly/store/jdbc/previous}
 * in the test resources): Flyway runs the changed repeatable script again and Liquibase
 * the changed {@code runOnChange} change set, which drop the {@code expires_at} indexes
 * of the locks and leases and set the leases' fill factor, keeping the rows. Each test
 * runs in a schema of its own ({@code sw_up_*}).
 */
class JdbcSchemaUpgradeTests {

	private static final String[] SCHEMAS = { "sw_up_flyway", "sw_up_liquibase" };

	private static final String CHANGELOG = "classpath:tech/onceonly/store/jdbc/liquibase/onceonly-changelog.xml";

	private static final String PREVIOUS_CHANGELOG = "classpath:tech/onceonly/store/jdbc/previous/liquibase/onceonly-changelog.xml";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataSourceAutoConfiguration.class, OnceOnlyJdbcStoreAutoConfiguration.class))
		.withPropertyValues("onceonly.store.type=jdbc", "onceonly.store.jdbc.purge.enabled=false");

	@BeforeAll
	static void createSchemas() {
		try (HikariDataSource admin = postgres()) {
			JdbcTemplate jdbc = new JdbcTemplate(admin);
			for (String schema : SCHEMAS) {
				jdbc.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
				jdbc.execute("CREATE SCHEMA " + schema);
			}
		}
	}

	@AfterAll
	static void dropSchemas() {
		try (HikariDataSource admin = postgres()) {
			for (String schema : SCHEMAS) {
				new JdbcTemplate(admin).execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
			}
		}
	}

	@Test
	void flywayShouldMigrateThePreviousSchema() {
		String schema = "sw_up_flyway";
		ApplicationContextRunner flyway = this.runner
			.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.withPropertyValues(postgresProperties(schema))
			.withPropertyValues("spring.flyway.default-schema=" + schema, "spring.flyway.schemas=" + schema);
		String key = "k-" + UUID.randomUUID();
		flyway.withPropertyValues("spring.flyway.locations=classpath:tech/onceonly/store/jdbc/previous/flyway/{vendor}")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(expiryIndexes(context, schema)).hasSize(2);
				assertThat(acquire(context, key)).isEqualTo(LeaseResult.Outcome.ACQUIRED);
			});
		flyway.withPropertyValues("spring.flyway.locations=classpath:tech/onceonly/store/jdbc/flyway/{vendor}")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(expiryIndexes(context, schema)).isEmpty();
				assertThat(leasesOptions(context, schema)).contains("fillfactor=85");
				assertThat(jdbc(context).queryForObject("SELECT COUNT(*) FROM " + schema + ".flyway_schema_history "
						+ "WHERE script = 'R__onceonly_schema.sql' AND success", Integer.class))
					.as("the repeatable script ran again")
					.isEqualTo(2);
				// the lease taken before the upgrade is still held
				assertThat(acquire(context, key)).isEqualTo(LeaseResult.Outcome.HELD_BY_OTHER);
			});
	}

	@Test
	void liquibaseShouldMigrateThePreviousSchema() {
		String schema = "sw_up_liquibase";
		ApplicationContextRunner liquibase = this.runner
			.withConfiguration(AutoConfigurations.of(LiquibaseAutoConfiguration.class))
			.withPropertyValues(postgresProperties(schema))
			.withPropertyValues("spring.liquibase.default-schema=" + schema);
		String key = "k-" + UUID.randomUUID();
		liquibase.withPropertyValues("spring.liquibase.change-log=" + PREVIOUS_CHANGELOG).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(expiryIndexes(context, schema)).hasSize(2);
			assertThat(acquire(context, key)).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		});
		liquibase.withPropertyValues("spring.liquibase.change-log=" + CHANGELOG).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(expiryIndexes(context, schema)).isEmpty();
			assertThat(leasesOptions(context, schema)).contains("fillfactor=85");
			assertThat(jdbc(context).queryForList(
					"SELECT id || ' ' || exectype FROM " + schema + ".databasechangelog ORDER BY orderexecuted",
					String.class))
				.as("one change set, run again on change")
				.containsExactly("onceonly-schema-postgresql RERAN");
			assertThat(acquire(context, key)).isEqualTo(LeaseResult.Outcome.HELD_BY_OTHER);
		});
	}

	private static LeaseResult.Outcome acquire(AssertableApplicationContext context, String key) {
		return context.getBean(JdbcStore.class)
			.acquireLease(key, Duration.ofHours(1), UUID.randomUUID().toString(), null)
			.outcome();
	}

	private static List<String> expiryIndexes(AssertableApplicationContext context, String schema) {
		return jdbc(context).queryForList("SELECT indexname FROM pg_indexes WHERE schemaname = ? AND tablename IN "
				+ "('onceonly_locks', 'onceonly_leases') AND indexname LIKE '%expires%'", String.class, schema);
	}

	private static String leasesOptions(AssertableApplicationContext context, String schema) {
		return String.valueOf(jdbc(context).queryForObject(
				"SELECT coalesce(array_to_string(reloptions, ','), '') FROM pg_class WHERE oid = ?::regclass",
				String.class, schema + ".onceonly_leases"));
	}

	private static JdbcTemplate jdbc(AssertableApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class));
	}

	private static String[] postgresProperties(String schema) {
		String url = TestServices.postgresUrl();
		url = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
		return new String[] { "spring.datasource.url=" + url, "spring.datasource.username=postgres",
				"spring.datasource.hikari.maximum-pool-size=2" };
	}

	private static HikariDataSource postgres() {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(TestServices.postgresUrl());
		dataSource.setUsername("postgres");
		dataSource.setMaximumPoolSize(1);
		return dataSource;
	}

}
