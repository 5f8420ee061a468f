package tech.onceonly.spring.autoconfigure.store;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

import tech.onceonly.spring.autoconfigure.OnceOnlyProperties;
import tech.onceonly.spring.autoconfigure.OnceOnlyProperties.Store.Jdbc.InitializeSchema;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.jdbc.JdbcStore;

/**
 * Auto-configuration of the {@link JdbcStore} on the application's {@link DataSource}
 * when {@code onceonly.store.type=jdbc}, creating its tables at startup as
 * {@code onceonly.store.jdbc.initialize-schema} says.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		beforeName = "tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration")
@ConditionalOnClass({ JdbcTemplate.class, EmbeddedDatabaseConnection.class })
@ConditionalOnBooleanProperty(name = "onceonly.enabled", matchIfMissing = true)
@ConditionalOnProperty(prefix = "onceonly.store", name = "type", havingValue = "jdbc")
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(OnceOnlyProperties.class)
public final class OnceOnlyJdbcStoreAutoConfiguration {

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

	private static boolean shouldInitialize(InitializeSchema mode, DataSource dataSource) {
		return switch (mode) {
			case ALWAYS -> true;
			case NEVER -> false;
			case EMBEDDED -> EmbeddedDatabaseConnection.isEmbedded(dataSource);
		};
	}

}
