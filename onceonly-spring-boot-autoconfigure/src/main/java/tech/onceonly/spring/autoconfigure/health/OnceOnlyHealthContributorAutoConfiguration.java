package tech.onceonly.spring.autoconfigure.health;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.spring.health.OnceOnlyHealthIndicator;

/**
 * Auto-configuration of the {@code onceonly} health indicator;
 * {@code management.health.onceonly.enabled=false} turns it off.
 */
@AutoConfiguration(afterName = "tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration")
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(OnceOnly.class)
@ConditionalOnEnabledHealthIndicator("onceonly")
@EnableConfigurationProperties(OnceOnlyHealthProperties.class)
public final class OnceOnlyHealthContributorAutoConfiguration {

	/**
	 * The default base URL of the OnceOnly API, used for the host detail when none is
	 * configured.
	 */
	static final String DEFAULT_BASE_URL = "https://api.onceonly.tech/v1";

	@Bean
	@ConditionalOnMissingBean(name = "onceonlyHealthIndicator")
	OnceOnlyHealthIndicator onceonlyHealthIndicator(OnceOnly onceOnly, OnceOnlyHealthProperties properties,
			Environment environment) {
		return new OnceOnlyHealthIndicator(onceOnly, properties.getTimeout(),
				environment.getProperty("onceonly.base-url", DEFAULT_BASE_URL));
	}

}
