package tech.onceonly.spring.autoconfigure.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.StreamUtils;

import tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration;
import tech.onceonly.spring.autoconfigure.OnceOnlyFailureAnalyzer;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.jdbc.JdbcStore;
import tech.onceonly.store.memory.InMemoryGovernanceStore;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One wiring per backend: the memory backend builds both stores, a chosen store that
 * cannot be built names the exact Maven coordinates it needs, and the shipped Flyway
 * scripts are the schema scripts the starter runs.
 */
class OnceOnlyStoreBackendsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OnceOnlyJdbcStoreAutoConfiguration.class,
				OnceOnlyRedisStoreAutoConfiguration.class, OnceOnlyAutoConfiguration.class));

	@Test
	void memoryBackendShouldBuildTheStoreAndTheGovernanceStore() {
		this.runner.withPropertyValues("onceonly.store.memory.max-entries=7").run((context) -> {
			assertThat(context).hasSingleBean(InMemoryStore.class).hasSingleBean(InMemoryGovernanceStore.class);
			assertThat(context.getBean(GovernanceStore.class).type()).isEqualTo("memory");
		});
	}

	@Test
	void memoryBackendShouldBackOffForUserStores() {
		this.runner.withBean(GovernanceStore.class, InMemoryGovernanceStore::new)
			.withBean("myStore", OnceOnlyStore.class, () -> new InMemoryStore(3))
			.run((context) -> assertThat(context).hasSingleBean(OnceOnlyStore.class)
				.hasSingleBean(GovernanceStore.class)
				.hasBean("myStore"));
	}

	@Test
	void remoteModeShouldBuildNoMemoryStore() {
		this.runner.withPropertyValues("onceonly.mode=remote", "onceonly.api-key=test-key")
			.run((context) -> assertThat(context).doesNotHaveBean(OnceOnlyStore.class)
				.doesNotHaveBean(GovernanceStore.class));
	}

	@Test
	void jdbcWithoutADataSourceShouldNameTheStarterAndTheDrivers() {
		this.runner.withPropertyValues("onceonly.store.type=jdbc").run((context) -> {
			FailureAnalysis analysis = new OnceOnlyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("onceonly.store.type=jdbc");
			assertThat(analysis.getAction()).contains("org.springframework.boot:spring-boot-starter-jdbc",
					"org.postgresql:postgresql", "com.h2database:h2", "spring.datasource.url", "docs/stores.md");
		});
	}

	@Test
	void redisWithoutAConnectionFactoryShouldNameTheStarter() {
		this.runner.withPropertyValues("onceonly.store.type=redis").run((context) -> {
			FailureAnalysis analysis = new OnceOnlyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getAction()).contains("org.springframework.boot:spring-boot-starter-data-redis",
					"spring.data.redis.url");
		});
	}

	@Test
	void flywayMigrationsShouldBeTheSchemaScripts() throws IOException {
		for (JdbcStore.Platform platform : JdbcStore.Platform.values()) {
			assertThat(statements(read("tech/onceonly/store/jdbc/flyway/" + platform.id() + "/R__onceonly_schema.sql")))
				.as("the statements of the Flyway migration of %s", platform)
				.isEqualTo(statements(read(platform.schemaLocation())))
				.contains("CREATE TABLE IF NOT EXISTS onceonly_leases");
		}
		// Boot's {vendor} is "mysql" for a MySQL URL: the MariaDB script serves both
		assertThat(statements(read("tech/onceonly/store/jdbc/flyway/mysql/R__onceonly_schema.sql")))
			.as("the statements of the Flyway migration of MySQL")
			.isEqualTo(statements(read(JdbcStore.Platform.MARIADB.schemaLocation())));
	}

	@Test
	void liquibaseChangelogShouldRunTheSchemaScriptOfEachPlatform() throws IOException {
		String changelog = read("tech/onceonly/store/jdbc/liquibase/onceonly-changelog.xml");
		for (JdbcStore.Platform platform : JdbcStore.Platform.values()) {
			assertThat(changelog).contains("dbms=\"" + platform.id() + "\"")
				.contains("path=\"" + platform.schemaLocation() + "\"");
		}
	}

	private static String statements(String script) {
		return script.lines().filter((line) -> !line.startsWith("--")).collect(Collectors.joining("\n"));
	}

	private static String read(String location) throws IOException {
		return StreamUtils.copyToString(new ClassPathResource(location).getInputStream(), StandardCharsets.UTF_8);
	}

}
