package tech.onceonly.spring.autoconfigure.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import tech.onceonly.spring.autoconfigure.OnceOnlyConfigurationException;
import tech.onceonly.store.AuditRecord;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.jdbc.JdbcGovernanceStore;
import tech.onceonly.store.jdbc.JdbcStore;
import tech.onceonly.store.memory.InMemoryGovernanceStore;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;

/** Conditions and back-off of {@link OnceOnlyJdbcStoreAutoConfiguration}. */
class OnceOnlyJdbcStoreAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataSourceAutoConfiguration.class, OnceOnlyJdbcStoreAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");

	@Test
	void storeTypeJdbcShouldCreateTheStoreAndTheTablesOfAnEmbeddedDatabase() {
		this.runner.withPropertyValues("onceonly.store.type=jdbc").run((context) -> {
			assertThat(context).hasSingleBean(JdbcStore.class);
			JdbcStore store = context.getBean(JdbcStore.class);
			assertThat(store.platform()).isEqualTo(JdbcStore.Platform.H2);
			assertThat(tableCount(context.getBean(DataSource.class), "ONCEONLY_LEASES")).isOne();
			assertThat(store.tryLock("k", java.time.Duration.ofMinutes(1), null).acquired()).isTrue();
		});
	}

	@Test
	void tablePrefixShouldNameTheTables() {
		this.runner.withPropertyValues("onceonly.store.type=jdbc", "onceonly.store.jdbc.table-prefix=app_once_")
			.run((context) -> {
				assertThat(context.getBean(JdbcStore.class).leasesTable()).isEqualTo("app_once_leases");
				assertThat(tableCount(context.getBean(DataSource.class), "APP_ONCE_LOCKS")).isOne();
				assertThat(tableCount(context.getBean(DataSource.class), "ONCEONLY_LOCKS")).isZero();
			});
	}

	@Test
	void initializeSchemaNeverShouldRunNoScriptAndUseTablesCreatedElsewhere() {
		String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
		DataSource elsewhere = new DriverManagerDataSource(url, "sa", "");
		new ResourceDatabasePopulator(new ByteArrayResource(
				JdbcStore.schemaScript(JdbcStore.Platform.H2, "onceonly_").getBytes(StandardCharsets.UTF_8)))
			.execute(elsewhere);
		this.runner
			.withPropertyValues("spring.datasource.url=" + url, "onceonly.store.type=jdbc",
					"onceonly.store.jdbc.initialize-schema=never")
			.run((context) -> {
				assertThat(context).hasSingleBean(JdbcStore.class);
				assertThat(context.getBean(OnceOnlyJdbcSchemaInitializer.class).initializeDatabase()).isFalse();
				assertThat(context.getBean(JdbcStore.class).tryLock("k", Duration.ofMinutes(1), null).acquired())
					.isTrue();
			});
	}

	@Test
	void initializeSchemaNeverWithoutTablesShouldFailAtStartupNamingTheTables() {
		this.runner.withPropertyValues("onceonly.store.type=jdbc", "onceonly.store.jdbc.initialize-schema=never")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(OnceOnlyConfigurationException.class)
				.hasMessageContaining("onceonly_locks, onceonly_leases are missing")
				.hasMessageContaining("initialize-schema is 'never'"));
	}

	@Test
	void theBackendShouldBuildTheGovernanceStoreOnTheSameTables() {
		this.runner.withPropertyValues("onceonly.store.type=jdbc", "onceonly.store.jdbc.table-prefix=gov_once_")
			.run((context) -> {
				assertThat(context).hasSingleBean(JdbcGovernanceStore.class);
				assertThat(context).hasSingleBean(OnceOnlyJdbcSchemaInitializer.class);
				assertThat(tableCount(context.getBean(DataSource.class), "GOV_ONCE_GOV_AUDIT")).isOne();
				JdbcGovernanceStore governance = context.getBean(JdbcGovernanceStore.class);
				governance.appendAudit(
						new AuditRecord(governance.now(), "agent", "tool", "allow", "ok", null, null, 0, null));
			});
	}

	@Test
	void userGovernanceStoreShouldWin() {
		this.runner.withPropertyValues("onceonly.store.type=jdbc")
			.withBean(GovernanceStore.class, InMemoryGovernanceStore::new)
			.run((context) -> {
				assertThat(context).hasSingleBean(GovernanceStore.class);
				assertThat(context).doesNotHaveBean(JdbcGovernanceStore.class);
			});
	}

	@Test
	void invalidTablePrefixShouldFailAtStartup() {
		this.runner.withPropertyValues("onceonly.store.type=jdbc", "onceonly.store.jdbc.table-prefix=x; drop table y")
			.run((context) -> assertThat(context).getFailure()
				.hasRootCauseMessage(
						"Invalid OnceOnly table prefix 'x; drop table y': use letters, digits and underscores (optionally schema.prefix)"));
	}

	@Test
	void storeTypeUnsetShouldNotCreateAJdbcStore() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(OnceOnlyStore.class));
	}

	@Test
	void otherStoreTypeShouldNotCreateAJdbcStore() {
		this.runner.withPropertyValues("onceonly.store.type=redis")
			.run((context) -> assertThat(context).doesNotHaveBean(OnceOnlyStore.class));
	}

	@Test
	void disabledOnceOnlyShouldNotCreateAJdbcStore() {
		this.runner.withPropertyValues("onceonly.store.type=jdbc", "onceonly.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(OnceOnlyStore.class));
	}

	@Test
	void userStoreShouldWin() {
		this.runner.withPropertyValues("onceonly.store.type=jdbc")
			.withBean(OnceOnlyStore.class, InMemoryStore::new)
			.run((context) -> {
				assertThat(context).hasSingleBean(OnceOnlyStore.class);
				assertThat(context).doesNotHaveBean(JdbcStore.class);
			});
	}

	@Test
	void withoutADataSourceShouldNotCreateAJdbcStore() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OnceOnlyJdbcStoreAutoConfiguration.class))
			.withPropertyValues("onceonly.store.type=jdbc")
			.run((context) -> assertThat(context).doesNotHaveBean(OnceOnlyStore.class));
	}

	@Test
	void withoutSpringJdbcShouldNotCreateAJdbcStore() {
		this.runner.withPropertyValues("onceonly.store.type=jdbc")
			.withClassLoader(new FilteredClassLoader(JdbcTemplate.class))
			.run((context) -> assertThat(context).doesNotHaveBean(OnceOnlyStore.class));
	}

	private static int tableCount(DataSource dataSource, String table) {
		Integer count = new JdbcTemplate(dataSource).queryForObject(
				"SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = ?", Integer.class, table);
		return (count != null) ? count : 0;
	}

}
