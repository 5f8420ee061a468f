package tech.onceonly.spring.autoconfigure.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.ClassUtils;

import tech.onceonly.store.memory.InMemoryStore;

/**
 * Warns once at startup, after every singleton is created, about configuration that is
 * accepted but almost certainly not meant: an {@code onceonly.*} key that no OnceOnly
 * property has (a typo such as {@code onceonly.stroe.type} is otherwise ignored, with the
 * nearest known key suggested; an {@code ONCEONLY_*} environment variable is reported
 * only when it is that close to a known key, since other tools use the prefix too), and
 * the in-memory store in use while the application has a {@code DataSource} or a Redis
 * connection factory (so each instance keeps its own keys). It only logs; it never fails
 * the startup.
 */
public final class OnceOnlyConfigurationWarnings implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(OnceOnlyConfigurationWarnings.class);

	private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("onceonly");

	private static final String DATA_SOURCE = "javax.sql.DataSource";

	private static final String REDIS_CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";

	private final Environment environment;

	private final ListableBeanFactory beanFactory;

	private final @Nullable ClassLoader classLoader;

	/**
	 * Creates the check.
	 * @param environment where the configured keys are read
	 * @param beanFactory where the store and connection beans are looked up
	 * @param classLoader where the configuration metadata is read
	 */
	public OnceOnlyConfigurationWarnings(Environment environment, ListableBeanFactory beanFactory,
			@Nullable ClassLoader classLoader) {
		this.environment = environment;
		this.beanFactory = beanFactory;
		this.classLoader = classLoader;
	}

	@Override
	public void afterSingletonsInstantiated() {
		try {
			unknownKeys().forEach(logger::warn);
			String memory = memoryStoreBesideSharedConnection();
			if (memory != null) {
				logger.warn(memory);
			}
		}
		catch (RuntimeException ex) {
			logger.debug("OnceOnly: the startup configuration check could not run", ex);
		}
	}

	/** One warning per configured {@code onceonly.*} key that no property has. */
	List<String> unknownKeys() {
		List<String> warnings = new ArrayList<>();
		if (!(this.environment instanceof ConfigurableEnvironment configurable)) {
			return warnings;
		}
		KnownOnceOnlyProperties known = KnownOnceOnlyProperties.load(this.classLoader);
		if (known.isEmpty()) {
			return warnings;
		}
		for (Map.Entry<String, ConfigurationProperty> entry : configuredKeys(configurable).entrySet()) {
			String name = entry.getKey();
			if (known.isKnown(name)) {
				continue;
			}
			StringBuilder warning = new StringBuilder("OnceOnly: unknown property ").append(name);
			ConfigurationProperty property = entry.getValue();
			if (property.getOrigin() != null) {
				warning.append(" (").append(property.getOrigin()).append(')');
			}
			warning.append(" is ignored");
			String suggestion = known.suggestion(name);
			if (suggestion == null && fromEnvironment(property)) {
				// ONCEONLY_* variables of other tools are common; only a near miss is a
				// typo
				continue;
			}
			if (suggestion != null) {
				warning.append("; did you mean ").append(suggestion).append('?');
			}
			else {
				warning.append("; every onceonly.* property is listed in docs/configuration.md");
			}
			warnings.add(warning.toString());
		}
		return warnings;
	}

	private static Map<String, ConfigurationProperty> configuredKeys(ConfigurableEnvironment environment) {
		Map<String, ConfigurationProperty> keys = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			iterable.filter(ROOT::isAncestorOf).forEach((name) -> {
				String key = withoutIndexes(name);
				if (!keys.containsKey(key)) {
					ConfigurationProperty property = source.getConfigurationProperty(name);
					if (property != null) {
						keys.put(key, property);
					}
				}
			});
		}
		return keys;
	}

	private static boolean fromEnvironment(ConfigurationProperty property) {
		ConfigurationPropertySource source = property.getSource();
		return source != null && source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
	}

	/**
	 * {@code onceonly.idempotency-key.paths[0]} as
	 * {@code onceonly.idempotency-key.paths}.
	 */
	private static String withoutIndexes(ConfigurationPropertyName name) {
		StringBuilder key = new StringBuilder();
		for (int i = 0; i < name.getNumberOfElements(); i++) {
			if (name.isNumericIndex(i)) {
				continue;
			}
			if (!key.isEmpty()) {
				key.append('.');
			}
			key.append(name.getElement(i, ConfigurationPropertyName.Form.DASHED));
		}
		return key.toString();
	}

	/**
	 * The warning when the in-memory store serves OnceOnly although a shared database or
	 * Redis is configured and {@code onceonly.store.type} was not set explicitly.
	 */
	@Nullable String memoryStoreBesideSharedConnection() {
		if (this.environment.containsProperty("onceonly.store.type")
				|| this.beanFactory.getBeanNamesForType(InMemoryStore.class, false, false).length == 0) {
			return null;
		}
		String shared = null;
		if (hasBean(DATA_SOURCE)) {
			shared = "a DataSource";
		}
		else if (hasBean(REDIS_CONNECTION_FACTORY)) {
			shared = "a Redis connection factory";
		}
		if (shared == null) {
			return null;
		}
		return "OnceOnly: keys live in the in-memory store of this JVM although the application has " + shared
				+ "; each instance dedups on its own and keys are lost on restart. Set onceonly.store.type=jdbc "
				+ "or onceonly.store.type=redis to share them between instances, or onceonly.store.type=memory "
				+ "to keep them in memory without this warning.";
	}

	private boolean hasBean(String typeName) {
		if (!ClassUtils.isPresent(typeName, this.classLoader)) {
			return false;
		}
		Class<?> type = ClassUtils.resolveClassName(typeName, this.classLoader);
		return this.beanFactory.getBeanNamesForType(type, false, false).length > 0;
	}

}
