package tech.onceonly.spring.autoconfigure.actuate;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.spring.actuate.OnceOnlyEndpoint;
import tech.onceonly.spring.actuate.OnceOnlyEndpointWebExtension;

/**
 * Auto-configuration of the {@code onceonly} actuator endpoint, when it is available
 * (enabled and exposed). Its write operations stay refused unless
 * {@code onceonly.endpoint.write-enabled=true}.
 */
@AutoConfiguration(afterName = "tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration")
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(OnceOnly.class)
@EnableConfigurationProperties(OnceOnlyEndpointProperties.class)
public final class OnceOnlyEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(OnceOnlyEndpoint.class)
	OnceOnlyEndpoint onceOnlyEndpoint(OnceOnly onceOnly, OnceOnlyEndpointProperties properties) {
		return new OnceOnlyEndpoint(onceOnly, properties.isWriteEnabled(), properties.getDecisionLimit());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(OnceOnlyEndpoint.class)
	OnceOnlyEndpointWebExtension onceOnlyEndpointWebExtension(OnceOnlyEndpoint endpoint) {
		return new OnceOnlyEndpointWebExtension(endpoint);
	}

}
