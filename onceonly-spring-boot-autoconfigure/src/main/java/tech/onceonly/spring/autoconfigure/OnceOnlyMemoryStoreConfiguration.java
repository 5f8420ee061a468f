package tech.onceonly.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tech.onceonly.engine.governance.GovernanceEngine;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.memory.InMemoryGovernanceStore;
import tech.onceonly.store.memory.InMemoryStore;

/**
 * The in-memory backend, the default when {@code onceonly.store.type} is unset or
 * {@code memory}: the {@link InMemoryStore} ({@code onceonly.store.memory.max-entries}
 * and {@code max-bytes}) and the {@link InMemoryGovernanceStore}, whose windows run on
 * the lease store's clock. Both live in this JVM only. Imported by
 * {@code OnceOnlyAutoConfiguration} in local mode, so that auto-configuration alone gives
 * a working engine; the JDBC and Redis backends are
 * {@link tech.onceonly.spring.autoconfigure.store.OnceOnlyJdbcStoreAutoConfiguration} and
 * {@link tech.onceonly.spring.autoconfigure.store.OnceOnlyRedisStoreAutoConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "onceonly.store.type", havingValue = "memory", matchIfMissing = true)
public final class OnceOnlyMemoryStoreConfiguration {

	@Bean
	@ConditionalOnMissingBean(OnceOnlyStore.class)
	InMemoryStore onceOnlyStore(OnceOnlyProperties properties) {
		return new InMemoryStore(properties.getStore().getMemory().getMaxEntries(),
				properties.getStore().getMemory().getMaxBytes().toBytes());
	}

	@Bean
	@ConditionalOnMissingBean(GovernanceStore.class)
	InMemoryGovernanceStore onceOnlyGovernanceStore(OnceOnlyStore store) {
		return new InMemoryGovernanceStore(GovernanceEngine.clockOf(store));
	}

}
