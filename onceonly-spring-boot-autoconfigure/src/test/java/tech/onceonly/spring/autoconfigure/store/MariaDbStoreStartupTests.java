package tech.onceonly.spring.autoconfigure.store;

import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration;
import tech.onceonly.spring.autoconfigure.OnceOnlyConfigurationException;
import tech.onceonly.spring.autoconfigure.OnceOnlyFailureAnalyzer;
import tech.onceonly.store.AuditRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.TestServices;
import tech.onceonly.store.jdbc.JdbcGovernanceStore;
import tech.onceonly.store.jdbc.JdbcStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Boot application on MariaDB ({@code spring.datasource.url=jdbc:mariadb://…},
 * {@code onceonly.store.type=jdbc}): the platform is detected, the tables come from the
 * starter ({@code initialize-schema=always}), the shipped Flyway migration or the
 * Liquibase change log, a schema-qualified prefix names another database, and without any
 * of them the startup fails naming MariaDB's Flyway module. Each case runs in a database
 * of its own ({@code sw_md_*}).
 */
class MariaDbStoreStartupTests {

	private static final String[] DATABASES = { "sw_md_default", "sw_md_always", "sw_md_flyway", "sw_md_liquibase",
			"sw_md_prefix", "sw_md_client" };

	private static final String CHANGELOG = "classpath:tech/onceonly/store/jdbc/liquibase/onceonly-changelog.xml";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataSourceAutoConfiguration.class, OnceOnlyJdbcStoreAutoConfiguration.class))
		.withPropertyValues("onceonly.store.type=jdbc", "onceonly.store.jdbc.purge.enabled=false");

	@BeforeAll
	static void createDatabases() {
		try (HikariDataSource admin = mariadb(null)) {
			JdbcTemplate jdbc = new JdbcTemplate(admin);
			for (String database : DATABASES) {
				jdbc.execute("DROP DATABASE IF EXISTS " + database);
				jdbc.execute("CREATE DATABASE " + database);
			}
		}
	}

	@AfterAll
	static void dropDatabases() {
		try (HikariDataSource admin = mariadb(null)) {
			for (String database : DATABASES) {
				new JdbcTemplate(admin).execute("DROP DATABASE IF EXISTS " + database);
			}
		}
	}

	@Test
	void byDefaultShouldFailAtStartupNamingMariaDbsFlywayModule() {
		this.runner.withPropertyValues(properties("sw_md_default")).run((context) -> {
			FailureAnalysis analysis = failureAnalysis(context);
			assertThat(analysis.getDescription()).contains("onceonly_locks", "mariadb database", "'embedded'");
			assertThat(analysis.getAction())
				.contains("org.flywaydb:flyway-mysql", "onceonly.store.jdbc.initialize-schema=always")
				.doesNotContain("flyway-database-postgresql");
		});
	}

	@Test
	void alwaysShouldCreateTheTablesAndTheStoresShouldWork() {
		this.runner.withPropertyValues(properties("sw_md_always"))
			.withPropertyValues("onceonly.store.jdbc.initialize-schema=always")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(JdbcStore.class).platform()).isEqualTo(JdbcStore.Platform.MARIADB);
				assertThat(tableCount(context, "sw_md_always")).isEqualTo(8);
				assertStoresWork(context);
			});
	}

	@Test
	void theClientShouldRunOnMariaDb() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					OnceOnlyJdbcStoreAutoConfiguration.class, OnceOnlyAutoConfiguration.class))
			.withPropertyValues(properties("sw_md_client"))
			.withPropertyValues("onceonly.store.type=jdbc", "onceonly.store.jdbc.initialize-schema=always",
					"onceonly.store.jdbc.purge.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				OnceOnly client = context.getBean(OnceOnly.class);
				String key = "order-" + UUID.randomUUID();
				CheckLockResult first = client.checkLock(key, Duration.ofMinutes(5));
				CheckLockResult second = client.checkLock(key, Duration.ofMinutes(5));
				assertThat(first.locked()).isTrue();
				assertThat(second.locked()).isFalse();
				assertThat(new JdbcTemplate(context.getBean(DataSource.class))
					.queryForObject("SELECT COUNT(*) FROM onceonly_locks", Integer.class)).isOne();
			});
	}

	@Test
	void schemaQualifiedPrefixShouldCreateTheTablesInThatDatabase() {
		this.runner.withPropertyValues(properties("sw_md_default"))
			.withPropertyValues("onceonly.store.jdbc.initialize-schema=always",
					"onceonly.store.jdbc.table-prefix=sw_md_prefix.once_")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(tableCount(context, "sw_md_prefix")).isEqualTo(8);
				assertThat(tableCount(context, "sw_md_default")).isZero();
				assertThat(context.getBean(JdbcStore.class).leasesTable()).isEqualTo("sw_md_prefix.once_leases");
				assertStoresWork(context);
			});
	}

	@Test
	void flywayMigrationShouldRunBeforeTheStoresAreBuilt() {
		this.runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.withPropertyValues(properties("sw_md_flyway"))
			.withPropertyValues("spring.flyway.locations=classpath:tech/onceonly/store/jdbc/flyway/{vendor}")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(tableCount(context, "sw_md_flyway")).isEqualTo(8 + 1);
				assertThat(new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
						"SELECT COUNT(*) FROM flyway_schema_history WHERE script = 'R__onceonly_schema.sql' "
								+ "AND success",
						Integer.class))
					.isOne();
				assertStoresWork(context);
			});
	}

	@Test
	void liquibaseChangelogShouldRunBeforeTheStoresAreBuilt() {
		this.runner.withConfiguration(AutoConfigurations.of(LiquibaseAutoConfiguration.class))
			.withPropertyValues(properties("sw_md_liquibase"))
			.withPropertyValues("spring.liquibase.change-log=" + CHANGELOG)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(tableCount(context, "sw_md_liquibase")).isEqualTo(8 + 2);
				assertThat(new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
						"SELECT COUNT(*) FROM DATABASECHANGELOG WHERE ID = 'onceonly-schema-mariadb'", Integer.class))
					.isOne();
				assertStoresWork(context);
			});
	}

	private static FailureAnalysis failureAnalysis(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		assertThat(context.getStartupFailure()).rootCause().isInstanceOf(OnceOnlyConfigurationException.class);
		FailureAnalysis analysis = new OnceOnlyFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).isNotNull();
		return analysis;
	}

	private static void assertStoresWork(AssertableApplicationContext context) {
		JdbcStore store = context.getBean(JdbcStore.class);
		assertThat(
				store.acquireLease("k-" + UUID.randomUUID(), Duration.ofMinutes(1), UUID.randomUUID().toString(), null)
					.outcome())
			.isEqualTo(LeaseResult.Outcome.ACQUIRED);
		JdbcGovernanceStore governance = context.getBean(JdbcGovernanceStore.class);
		governance.appendAudit(new AuditRecord(governance.now(), "agent", "tool", "allow", "ok", null, null, 0, null));
		assertThat(governance.listAudit("agent", 10)).hasSize(1);
	}

	private static int tableCount(AssertableApplicationContext context, String database) {
		Integer count = new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
				"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?", Integer.class, database);
		return (count != null) ? count : 0;
	}

	private static String[] properties(String database) {
		return new String[] { "spring.datasource.url=" + url(database),
				"spring.datasource.hikari.maximum-pool-size=2" };
	}

	/**
	 * The test URL with its database replaced by {@code database} (user and password
	 * kept).
	 */
	private static String url(String database) {
		String url = TestServices.mariadbUrl();
		if (database == null) {
			return url;
		}
		int query = url.indexOf('?');
		String base = (query >= 0) ? url.substring(0, query) : url;
		String parameters = (query >= 0) ? url.substring(query) : "";
		return base.substring(0, base.lastIndexOf('/') + 1) + database + parameters;
	}

	private static HikariDataSource mariadb(String database) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(url(database));
		dataSource.setMaximumPoolSize(1);
		return dataSource;
	}

}
