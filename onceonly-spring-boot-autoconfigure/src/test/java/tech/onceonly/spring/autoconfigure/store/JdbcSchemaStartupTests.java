package tech.onceonly.spring.autoconfigure.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import tech.onceonly.spring.autoconfigure.OnceOnlyConfigurationException;
import tech.onceonly.spring.autoconfigure.OnceOnlyFailureAnalyzer;
import tech.onceonly.store.AuditRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.TestServices;
import tech.onceonly.store.jdbc.JdbcGovernanceStore;
import tech.onceonly.store.jdbc.JdbcStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The newcomer trap of issue 21: with {@code onceonly.store.type=jdbc} on a database that
 * is not embedded (an H2 file, PostgreSQL) the tables are not created by default, so the
 * startup checks them once and fails through the failure analyzer with the property and
 * the migrations to apply; with {@code initialize-schema=always}, Flyway or Liquibase the
 * tables exist before the stores are built. PostgreSQL runs in schemas of its own
 * ({@code sw_*}) so other tests on the shared server are not disturbed.
 */
@ExtendWith(OutputCaptureExtension.class)
class JdbcSchemaStartupTests {

	private static final String[] SCHEMAS = { "sw_default", "sw_always", "sw_flyway", "sw_liquibase", "sw_prefix" };

	@TempDir
	static Path files;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataSourceAutoConfiguration.class, OnceOnlyJdbcStoreAutoConfiguration.class))
		.withPropertyValues("onceonly.store.type=jdbc", "onceonly.store.jdbc.purge.enabled=false");

	@BeforeAll
	static void createSchemas() {
		try (HikariDataSource admin = postgres(null)) {
			JdbcTemplate jdbc = new JdbcTemplate(admin);
			for (String schema : SCHEMAS) {
				jdbc.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
				jdbc.execute("CREATE SCHEMA " + schema);
			}
		}
	}

	@AfterAll
	static void dropSchemas() {
		try (HikariDataSource admin = postgres(null)) {
			for (String schema : SCHEMAS) {
				new JdbcTemplate(admin).execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
			}
		}
	}

	@Test
	void h2FileByDefaultShouldFailAtStartupNamingThePropertyAndTheMigrations() {
		this.runner.withPropertyValues(h2File("default")).run((context) -> {
			FailureAnalysis analysis = failureAnalysis(context);
			assertThat(analysis.getDescription()).contains("onceonly_locks, onceonly_leases", "h2 database",
					"initialize-schema is 'embedded' (the default)");
			assertThat(analysis.getAction())
				.contains("onceonly.store.jdbc.initialize-schema=always",
						"org.springframework.boot:spring-boot-starter-flyway",
						"classpath:tech/onceonly/store/jdbc/flyway/{vendor}", "spring.flyway.locations",
						"org.springframework.boot:spring-boot-starter-liquibase",
						"classpath:tech/onceonly/store/jdbc/liquibase/onceonly-changelog.xml")
				.doesNotContain("flyway-database-postgresql");
		});
	}

	@Test
	void postgresByDefaultShouldFailAtStartupNamingTheFlywayDatabaseModule() {
		this.runner.withPropertyValues(postgresProperties("sw_default")).run((context) -> {
			FailureAnalysis analysis = failureAnalysis(context);
			assertThat(analysis.getDescription()).contains("onceonly_locks", "postgresql database", "'embedded'");
			assertThat(analysis.getAction()).contains("org.flywaydb:flyway-database-postgresql",
					"onceonly.store.jdbc.initialize-schema=always");
		});
	}

	@Test
	void initializeSchemaNeverWithoutTablesShouldFailSayingNever() {
		this.runner.withPropertyValues(h2File("never"))
			.withPropertyValues("onceonly.store.jdbc.initialize-schema=never")
			.run((context) -> assertThat(failureAnalysis(context).getDescription())
				.contains("initialize-schema is 'never'"));
	}

	@Test
	void customPrefixShouldSayTheMigrationsUseTheDefaultNames() {
		this.runner.withPropertyValues(h2File("prefix"))
			.withPropertyValues("onceonly.store.jdbc.table-prefix=app_once_")
			.run((context) -> {
				FailureAnalysis analysis = failureAnalysis(context);
				assertThat(analysis.getDescription()).contains("app_once_locks, app_once_leases");
				assertThat(analysis.getAction()).contains("onceonly.store.jdbc.table-prefix=app_once_",
						"default names onceonly_*");
			});
	}

	@Test
	void h2FileWithAlwaysShouldCreateTheTablesOnceAndLogOneLine(CapturedOutput output) {
		String[] file = h2File("always");
		this.runner.withPropertyValues(file)
			.withPropertyValues("onceonly.store.jdbc.initialize-schema=always")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertStoresWork(context);
			});
		assertThat(output.getAll()).containsOnlyOnce(
				"OnceOnly: created the JDBC store tables onceonly_locks, " + "onceonly_leases, onceonly_gov_policies");
		// a restart finds the tables: the script runs (it is idempotent) but creates
		// nothing, and says nothing
		this.runner.withPropertyValues(file)
			.withPropertyValues("onceonly.store.jdbc.initialize-schema=always")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output.getAll()).containsOnlyOnce("OnceOnly: created the JDBC store tables");
	}

	@Test
	void alwaysOnADatabaseThatRefusesDdlShouldFailAtStartupSayingWhatToDo() throws Exception {
		String file = "jdbc:h2:file:" + files.resolve("readonly-" + UUID.randomUUID());
		try (HikariDataSource create = new HikariDataSource()) {
			create.setJdbcUrl(file);
			new JdbcTemplate(create).execute("CREATE TABLE unrelated (id INT)");
		}
		this.runner.withPropertyValues("spring.datasource.url=" + file + ";ACCESS_MODE_DATA=r")
			.withPropertyValues("onceonly.store.jdbc.initialize-schema=always")
			.run((context) -> {
				FailureAnalysis analysis = failureAnalysis(context);
				assertThat(analysis.getDescription()).contains("Could not create the OnceOnly JDBC store's tables",
						"onceonly_locks", "h2 database");
				assertThat(analysis.getAction()).contains("onceonly.store.jdbc.initialize-schema=never",
						"tech/onceonly/store/jdbc/schema-h2.sql");
			});
	}

	@Test
	void postgresWithAlwaysShouldCreateTheTablesInItsSchema() {
		this.runner.withPropertyValues(postgresProperties("sw_always"))
			.withPropertyValues("onceonly.store.jdbc.initialize-schema=always")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(tableCount(context, "sw_always")).isEqualTo(8);
				assertStoresWork(context);
			});
	}

	@Test
	void postgresSchemaPrefixWithAlwaysShouldCreateTheTablesThere() {
		this.runner.withPropertyValues(postgresProperties("sw_default"))
			.withPropertyValues("onceonly.store.jdbc.initialize-schema=always",
					"onceonly.store.jdbc.table-prefix=sw_prefix.once_")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(tableCount(context, "sw_prefix")).isEqualTo(8);
				assertThat(context.getBean(JdbcStore.class).leasesTable()).isEqualTo("sw_prefix.once_leases");
				assertStoresWork(context);
			});
	}

	@Test
	void flywayMigrationOnPostgresShouldRunBeforeTheStoresAreBuilt() {
		this.runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.withPropertyValues(postgresProperties("sw_flyway"))
			.withPropertyValues("spring.flyway.locations=classpath:tech/onceonly/store/jdbc/flyway/{vendor}",
					"spring.flyway.default-schema=sw_flyway", "spring.flyway.schemas=sw_flyway")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(tableCount(context, "sw_flyway")).isEqualTo(8 + 1);
				assertThat(new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
						"SELECT COUNT(*) FROM sw_flyway.flyway_schema_history WHERE script = 'R__onceonly_schema.sql' "
								+ "AND success",
						Integer.class))
					.isOne();
				assertStoresWork(context);
			});
	}

	@Test
	void flywayMigrationOnH2FileShouldRunBeforeTheStoresAreBuilt() {
		this.runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.withPropertyValues(h2File("flyway"))
			.withPropertyValues("spring.flyway.locations=classpath:tech/onceonly/store/jdbc/flyway/{vendor}")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
						"SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"script\" = 'R__onceonly_schema.sql'",
						Integer.class))
					.isOne();
				assertStoresWork(context);
			});
	}

	@Test
	void liquibaseChangelogOnPostgresShouldRunBeforeTheStoresAreBuilt() {
		this.runner.withConfiguration(AutoConfigurations.of(LiquibaseAutoConfiguration.class))
			.withPropertyValues(postgresProperties("sw_liquibase"))
			.withPropertyValues("spring.liquibase.change-log=" + CHANGELOG,
					"spring.liquibase.default-schema=sw_liquibase")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(tableCount(context, "sw_liquibase")).isEqualTo(8 + 2);
				assertThat(new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
						"SELECT COUNT(*) FROM sw_liquibase.databasechangelog WHERE id = 'onceonly-schema-postgresql'",
						Integer.class))
					.isOne();
				assertStoresWork(context);
			});
	}

	@Test
	void liquibaseChangelogOnH2FileShouldRunBeforeTheStoresAreBuilt() {
		this.runner.withConfiguration(AutoConfigurations.of(LiquibaseAutoConfiguration.class))
			.withPropertyValues(h2File("liquibase"))
			.withPropertyValues("spring.liquibase.change-log=" + CHANGELOG)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
						"SELECT COUNT(*) FROM DATABASECHANGELOG WHERE ID = 'onceonly-schema-h2'", Integer.class))
					.isOne();
				assertStoresWork(context);
			});
	}

	private static final String CHANGELOG = "classpath:tech/onceonly/store/jdbc/liquibase/onceonly-changelog.xml";

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
	}

	private static int tableCount(AssertableApplicationContext context, String schema) {
		Integer count = new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
				"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?", Integer.class, schema);
		return (count != null) ? count : 0;
	}

	private static String[] h2File(String name) {
		return new String[] { "spring.datasource.url=jdbc:h2:file:" + files.resolve(name + "-" + UUID.randomUUID())
				+ ";DB_CLOSE_ON_EXIT=FALSE" };
	}

	private static String[] postgresProperties(String schema) {
		return new String[] { "spring.datasource.url=" + postgresUrl(schema), "spring.datasource.username=postgres",
				"spring.datasource.hikari.maximum-pool-size=2" };
	}

	private static String postgresUrl(String schema) {
		String url = TestServices.postgresUrl();
		return (schema != null) ? url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema : url;
	}

	private static HikariDataSource postgres(String schema) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(postgresUrl(schema));
		dataSource.setUsername("postgres");
		dataSource.setMaximumPoolSize(1);
		return dataSource;
	}

}
