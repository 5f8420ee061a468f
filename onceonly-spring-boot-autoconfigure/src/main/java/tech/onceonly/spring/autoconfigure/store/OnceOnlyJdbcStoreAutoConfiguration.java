package tech.onceonly.spring.autoconfigure.store;

import java.time.Duration;

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
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import tech.onceonly.spring.autoconfigure.OnceOnlyProperties;
import tech.onceonly.spring.autoconfigure.OnceOnlyProperties.Store.Jdbc.InitializeSchema;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.jdbc.JdbcGovernanceStore;
import tech.onceonly.store.jdbc.JdbcPurge;
import tech.onceonly.store.jdbc.JdbcStore;

/**
 * Auto-configuration of the {@link JdbcStore} on the application's {@link DataSource}
 * when {@code onceonly.store.type=jdbc}, creating its tables at startup as
 * {@code onceonly.store.jdbc.initialize-schema} says, and the scheduled purge of its
 * tables ({@code onceonly.store.jdbc.purge.*}, with Micrometer meters when a
 * {@code MeterRegistry} exists).
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		beforeName = "tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration")
@ConditionalOnClass({ JdbcTemplate.class, EmbeddedDatabaseConnection.class })
@ConditionalOnBooleanProperty(name = "onceonly.enabled", matchIfMissing = true)
@ConditionalOnProperty(prefix = "onceonly.store", name = "type", havingValue = "jdbc")
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(OnceOnlyProperties.class)
public final class OnceOnlyJdbcStoreAutoConfiguration {

	private static final Duration MIN_GUARD = Duration.ofMinutes(10);

	@Bean
	@ConditionalOnMissingBean(OnceOnlyStore.class)
	JdbcStore onceOnlyStore(DataSource dataSource, OnceOnlyProperties properties) {
		OnceOnlyProperties.Store.Jdbc jdbc = properties.getStore().getJdbc();
		JdbcStore store = new JdbcStore(dataSource, jdbc.getTablePrefix(), null);
		if (shouldInitialize(jdbc.getInitializeSchema(), dataSource)) {
			store.initializeSchema();
		}
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

	private static boolean shouldInitialize(InitializeSchema mode, DataSource dataSource) {
		return switch (mode) {
			case ALWAYS -> true;
			case NEVER -> false;
			case EMBEDDED -> EmbeddedDatabaseConnection.isEmbedded(dataSource);
		};
	}

}
