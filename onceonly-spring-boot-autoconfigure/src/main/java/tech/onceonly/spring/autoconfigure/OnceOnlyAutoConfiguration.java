package tech.onceonly.spring.autoconfigure;

import java.util.Locale;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.util.StringUtils;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.engine.EngineSettings;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.engine.governance.LocalTools;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.memory.InMemoryStore;

/**
 * Auto-configuration of the {@link OnceOnly} client from {@code onceonly.*} properties:
 * the remote API when the resolved mode is remote ({@code onceonly.mode=remote}, or
 * {@code auto} with an api-key), otherwise the local engine on the {@link OnceOnlyStore}
 * bean (the in-memory store unless a JDBC or Redis store is configured). Every bean backs
 * off when the application defines its own.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "onceonly.enabled", matchIfMissing = true)
@EnableConfigurationProperties(OnceOnlyProperties.class)
@Import(OnceOnlyRemoteConfiguration.class)
public final class OnceOnlyAutoConfiguration {

	private static final Log logger = LogFactory.getLog(OnceOnlyAutoConfiguration.class);

	/**
	 * The client for the resolved mode, passed through every
	 * {@link OnceOnlyClientCustomizer}.
	 * @throws OnceOnlyConfigurationException when remote mode has no api-key or no remote
	 * client, or the chosen store is missing
	 */
	@Bean
	@ConditionalOnMissingBean
	OnceOnly onceOnly(OnceOnlyProperties properties, ObjectProvider<OnceOnlyStore> store,
			ObjectProvider<OnceOnlyRemoteClientFactory> remote, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<OnceOnlyClientCustomizer> customizers, ObjectProvider<GovernanceStore> governanceStore,
			ObjectProvider<LocalTools> localTools, ObjectProvider<LeaseEvents> leaseEvents) {
		OnceOnly client;
		if (OnceOnlyMode.isRemote(properties.getMode(), properties.getApiKey())) {
			client = remoteClient(properties, remote.getIfAvailable());
			logger.info("OnceOnly: remote API at " + properties.getBaseUrl() + " (fail-open=" + properties.isFailOpen()
					+ ")");
		}
		else {
			OnceOnlyStore chosen = store.getIfAvailable();
			if (chosen == null) {
				String type = properties.getStore().getType().name().toLowerCase(Locale.ROOT);
				throw new OnceOnlyConfigurationException(
						"onceonly.store.type=" + type + " was chosen but no OnceOnlyStore bean could be created.",
						"Add what the " + type + " store needs (see docs/configuration.md), define an OnceOnlyStore "
								+ "bean, or set onceonly.store.type=memory.");
			}
			GovernanceStore governance = governanceStore.getIfAvailable();
			client = LocalOnceOnly.builder(chosen)
				.settings(engineSettings(properties.getLocal()))
				.json(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()))
				.governanceStore(governance)
				.localTools(localTools.getIfAvailable(LocalTools::new))
				.leaseEvents(leaseEvents.getIfAvailable(() -> LeaseEvents.LOGGING))
				.failOpen(properties.getLocal().isFailOpen())
				.build();
			logger.info("OnceOnly: local engine on " + chosen.type() + " store, governance on "
					+ ((governance != null) ? governance.type() : "memory") + " store");
		}
		for (OnceOnlyClientCustomizer customizer : customizers.orderedStream().toList()) {
			client = customizer.customize(client);
		}
		return client;
	}

	private static OnceOnly remoteClient(OnceOnlyProperties properties, @Nullable OnceOnlyRemoteClientFactory factory) {
		if (!StringUtils.hasText(properties.getApiKey())) {
			throw new OnceOnlyConfigurationException("onceonly.mode=remote requires an API key, and none is set.",
					"Set the onceonly.api-key property (or the ONCEONLY_API_KEY environment variable), or set "
							+ "onceonly.mode=local to use the in-process engine.");
		}
		if (factory == null) {
			throw new OnceOnlyConfigurationException(
					"OnceOnly is configured for the remote API but the remote client is not available.",
					"Add spring-boot-starter-webclient (WebClient and reactor-netty) to the classpath, or set "
							+ "onceonly.mode=local.");
		}
		return factory.create(properties);
	}

	static EngineSettings engineSettings(OnceOnlyProperties.Local local) {
		return EngineSettings.defaults()
			.withTtls(local.getDefaultLockTtl(), local.getDefaultLeaseTtl(), local.getMaxTtl())
			.withRetention(local.getRetention())
			.withNamespace(local.getNamespace());
	}

	/**
	 * The in-memory store, when the resolved mode is local and no other store was chosen.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(OnceOnlyMode.OnLocalMode.class)
	static class MemoryStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(OnceOnlyStore.class)
		@ConditionalOnProperty(name = "onceonly.store.type", havingValue = "memory", matchIfMissing = true)
		InMemoryStore onceOnlyStore(OnceOnlyProperties properties) {
			return new InMemoryStore(properties.getStore().getMemory().getMaxEntries(),
					properties.getStore().getMemory().getMaxBytes().toBytes());
		}

	}

}
