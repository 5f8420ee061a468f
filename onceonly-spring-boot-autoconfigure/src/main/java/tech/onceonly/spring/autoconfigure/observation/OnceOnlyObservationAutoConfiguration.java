package tech.onceonly.spring.autoconfigure.observation;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.spring.observation.LeaseEventMeters;
import tech.onceonly.spring.observation.ObservedOnceOnly;
import tech.onceonly.spring.observation.OnceOnlyClientObservationConvention;

/**
 * Auto-configuration that observes the {@link OnceOnly} client with Micrometer: the
 * client bean is decorated with {@link ObservedOnceOnly} when an
 * {@link ObservationRegistry} bean exists and {@code onceonly.observability.enabled} is
 * not false. A {@link OnceOnlyClientObservationConvention} bean replaces the default
 * convention.
 */
@AutoConfiguration(afterName = { "tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration",
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ ObservationRegistry.class, MeterRegistry.class })
@ConditionalOnBooleanProperty(name = "onceonly.observability.enabled", matchIfMissing = true)
@EnableConfigurationProperties(OnceOnlyObservabilityProperties.class)
public final class OnceOnlyObservationAutoConfiguration {

	@Bean
	static ObservedOnceOnlyBeanPostProcessor observedOnceOnlyBeanPostProcessor(
			ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<MeterRegistry> meterRegistry,
			ObjectProvider<OnceOnlyClientObservationConvention> convention,
			ObjectProvider<OnceOnlyObservabilityProperties> properties) {
		return new ObservedOnceOnlyBeanPostProcessor(observationRegistry, meterRegistry, convention, properties);
	}

	/**
	 * Lease events (lost leases, retried completions, unknown outcomes) logged and
	 * counted, when a {@link MeterRegistry} is present.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(MeterRegistry.class)
	LeaseEvents onceOnlyLeaseEvents(MeterRegistry registry) {
		return LeaseEvents.LOGGING.and(new LeaseEventMeters(registry));
	}

}
