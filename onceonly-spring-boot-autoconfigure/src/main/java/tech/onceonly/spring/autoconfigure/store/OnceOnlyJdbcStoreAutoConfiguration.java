package tech.onceonly.spring.autoconfigure.store;

import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

import tech.onceonly.spring.autoconfigure.OnceOnlyConfigurationException;
import tech.onceonly.spring.autoconfigure.OnceOnlyProperties;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.jdbc.JdbcGovernanceStore;
import tech.onceonly.store.jdbc.JdbcPurge;
import tech.onceonly.store.jdbc.JdbcSchema;
import tech.onceonly.store.jdbc.JdbcStore;

/**
 * Auto-configuration of the JDBC backend when {@code onceonly.store.type=jdbc}: the
 * {@link JdbcStore} and the {@link JdbcGovernanceStore} on the application's
 * {@link DataSource}, their tables created by {@link OnceOnlyJdbcSchemaInitializer} as
 * {@code onceonly.store.jdbc.initialize-schema} says (or by the shipped Flyway/Liquibase
 * migrations, which the stores wait for), a check at startup that the tables exist, and
 * the scheduled purge of the tables ({@code onceonly.store.jdbc.purge.*}, with Micrometer
 * meters when a {@code MeterRegistry} exists).
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		beforeName = "tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration")
@ConditionalOnClass({ JdbcTemplate.class, EmbeddedDatabaseConnection.class })
@ConditionalOnBooleanProperty(name = "onceonly.enabled", matchIfMissing = true)
@ConditionalOnProperty(prefix = "onceonly.store", name = "type", havingValue = "jdbc")
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(OnceOnlyProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public final class OnceOnlyJdbcStoreAutoConfiguration {

	private static final Duration MIN_GUARD = Duration.ofMinutes(10);

	/**
	 * Creates the missing tables as {@code onceonly.store.jdbc.initialize-schema} says,
	 * ordered with Flyway, Liquibase and {@code spring.sql.init}.
	 */
	@Bean
	@ConditionalOnMissingBean
	OnceOnlyJdbcSchemaInitializer onceOnlyJdbcSchemaInitializer(DataSource dataSource, OnceOnlyProperties properties) {
		OnceOnlyProperties.Store.Jdbc jdbc = properties.getStore().getJdbc();
		return new OnceOnlyJdbcSchemaInitializer(dataSource, JdbcStore.Platform.detect(dataSource),
				jdbc.getTablePrefix(), jdbc.getInitializeSchema());
	}

	@Bean
	@ConditionalOnMissingBean(OnceOnlyStore.class)
	@DependsOnDatabaseInitialization
	JdbcStore onceOnlyStore(DataSource dataSource, OnceOnlyProperties properties) {
		OnceOnlyProperties.Store.Jdbc jdbc = properties.getStore().getJdbc();
		JdbcStore store = new JdbcStore(dataSource, jdbc.getTablePrefix(), null);
		requireTables(dataSource, store.platform(), jdbc, JdbcSchema.storeTables(jdbc.getTablePrefix()));
		return store;
	}

	/**
	 * The governance store beside the lease store: policies, the kill switch, budgets and
	 * the audit log in the same database, so every JVM shares them.
	 */
	@Bean
	@ConditionalOnMissingBean(GovernanceStore.class)
	@DependsOnDatabaseInitialization
	JdbcGovernanceStore onceOnlyGovernanceStore(DataSource dataSource, OnceOnlyProperties properties) {
		OnceOnlyProperties.Store.Jdbc jdbc = properties.getStore().getJdbc();
		JdbcGovernanceStore store = new JdbcGovernanceStore(dataSource, jdbc.getTablePrefix(), null,
				JdbcGovernanceStore.DEFAULT_RETENTION);
		requireTables(dataSource, JdbcStore.Platform.detect(dataSource), jdbc,
				JdbcSchema.governanceTables(jdbc.getTablePrefix()));
		return store;
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "onceonly.store.jdbc.purge.enabled", matchIfMissing = true)
	@ConditionalOnBean(JdbcStore.class)
	@ConditionalOnMissingBean
	JdbcPurgeScheduler onceOnlyJdbcPurgeScheduler(JdbcStore jdbcStore, ObjectProvider<GovernanceStore> governance,
			OnceOnlyProperties properties, ObjectProvider<JdbcPurgeScheduler.Recorder> recorder) {
		OnceOnlyProperties.Store.Jdbc.Purge purge = properties.getStore().getJdbc().getPurge();
		JdbcGovernanceStore jdbcGovernance = (governance.getIfAvailable() instanceof JdbcGovernanceStore candidate)
				? candidate : null;
		Duration interval = purge.getInterval();
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException(
					"onceonly.store.jdbc.purge.interval must be positive (e.g. 5m), was " + interval);
		}
		// the guard outlives a slow run by far; a run stops starting batches at half of
		// it
		Duration guard = interval.compareTo(MIN_GUARD) < 0 ? MIN_GUARD : interval;
		JdbcPurge run = new JdbcPurge(jdbcStore, jdbcGovernance, purge.getBatchSize(), guard,
				JdbcPurge.BatchListener.NONE);
		return new JdbcPurgeScheduler(run, interval, recorder.getIfAvailable(() -> JdbcPurgeScheduler.Recorder.NONE));
	}

	/** Purge metrics when Micrometer is on the classpath and a registry exists. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBooleanProperty(name = "onceonly.store.jdbc.purge.enabled", matchIfMissing = true)
	static class PurgeMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(JdbcPurgeScheduler.Recorder.class)
		JdbcPurgeScheduler.Recorder onceOnlyJdbcPurgeMetrics(ObjectProvider<MeterRegistry> registry) {
			return new JdbcPurgeScheduler.Recorder() {

				private volatile JdbcPurgeScheduler.@Nullable Recorder meters;

				private JdbcPurgeScheduler.Recorder meters() {
					JdbcPurgeScheduler.Recorder meters = this.meters;
					if (meters == null) {
						MeterRegistry found = registry.getIfAvailable();
						meters = (found != null) ? new JdbcPurgeMetrics(found) : JdbcPurgeScheduler.Recorder.NONE;
						this.meters = meters;
					}
					return meters;
				}

				@Override
				public void ran(JdbcPurge.Result result) {
					meters().ran(result);
				}

				@Override
				public void failed(Duration duration, RuntimeException failure) {
					meters().failed(duration, failure);
				}

			};
		}

	}

	/** The Flyway database module {@code platform} needs, as " and coordinates". */
	private static String flywayModule(JdbcStore.Platform platform) {
		return switch (platform) {
			case POSTGRESQL -> " and org.flywaydb:flyway-database-postgresql";
			case MARIADB -> " and org.flywaydb:flyway-mysql";
			case H2 -> "";
		};
	}

	/**
	 * Fails the startup, through the failure analyzer, when a table of {@code tables} is
	 * missing after every database initialiser has run.
	 */
	static void requireTables(DataSource dataSource, JdbcStore.Platform platform, OnceOnlyProperties.Store.Jdbc jdbc,
			List<String> tables) {
		List<String> missing = JdbcSchema.missingTables(dataSource, tables);
		if (missing.isEmpty()) {
			return;
		}
		DatabaseInitializationMode mode = jdbc.getInitializeSchema();
		String why = switch (mode) {
			case NEVER -> "onceonly.store.jdbc.initialize-schema is 'never', so the starter creates no table, "
					+ "and no migration created them.";
			case EMBEDDED -> (EmbeddedDatabaseConnection.isEmbedded(dataSource))
					? "The starter's schema script did not create them."
					: "onceonly.store.jdbc.initialize-schema is 'embedded' (the default), which creates the tables only "
							+ "in an embedded (in-memory) database, and this " + platform.id()
							+ " database is not one.";
			case ALWAYS -> "The starter's schema script did not create them (can the database user create tables?).";
		};
		throw new OnceOnlyConfigurationException(
				"The OnceOnly JDBC store's tables " + String.join(", ", missing) + " are missing (or not readable) in "
						+ "the " + platform.id() + " database. " + why,
				"Create them in one of three ways: set onceonly.store.jdbc.initialize-schema=always (the starter "
						+ "creates only what is missing, at every startup); or with Flyway "
						+ "(org.springframework.boot:spring-boot-starter-flyway" + flywayModule(platform)
						+ ") add classpath:tech/onceonly/store/jdbc/flyway/{vendor} to spring.flyway.locations; or with "
						+ "Liquibase (org.springframework.boot:spring-boot-starter-liquibase) include "
						+ "classpath:tech/onceonly/store/jdbc/liquibase/onceonly-changelog.xml in your change log"
						+ (JdbcStore.DEFAULT_TABLE_PREFIX.equals(jdbc.getTablePrefix()) ? ""
								: " (the migrations create the default names onceonly_*: with "
										+ "onceonly.store.jdbc.table-prefix=" + jdbc.getTablePrefix()
										+ " use initialize-schema=always or a copy of the migration with your names)")
						+ ". See docs/stores.md.");
	}

}
