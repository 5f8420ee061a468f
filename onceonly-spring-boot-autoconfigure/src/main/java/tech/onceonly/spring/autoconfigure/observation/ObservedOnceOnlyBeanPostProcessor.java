package tech.onceonly.spring.autoconfigure.observation;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.spring.observation.ObservedOnceOnly;
import tech.onceonly.spring.observation.OnceOnlyClientObservationConvention;
import tech.onceonly.spring.observation.OnceOnlyMeters;

/**
 * Wraps every {@link OnceOnly} bean in an {@link ObservedOnceOnly} when an
 * {@link ObservationRegistry} is available. Collaborators are looked up lazily, when the
 * client bean is created, so that this post-processor does not make them initialize
 * early.
 */
final class ObservedOnceOnlyBeanPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<ObservationRegistry> observationRegistry;

	private final ObjectProvider<MeterRegistry> meterRegistry;

	private final ObjectProvider<OnceOnlyClientObservationConvention> convention;

	private final ObjectProvider<OnceOnlyObservabilityProperties> properties;

	ObservedOnceOnlyBeanPostProcessor(ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<OnceOnlyClientObservationConvention> convention,
			ObjectProvider<OnceOnlyObservabilityProperties> properties) {
		this.observationRegistry = observationRegistry;
		this.meterRegistry = meterRegistry;
		this.convention = convention;
		this.properties = properties;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!(bean instanceof OnceOnly client) || bean instanceof ObservedOnceOnly) {
			return bean;
		}
		ObservationRegistry registry = this.observationRegistry.getIfUnique();
		if (registry == null) {
			return bean;
		}
		OnceOnlyObservabilityProperties settings = this.properties.getIfAvailable(OnceOnlyObservabilityProperties::new);
		MeterRegistry meters = this.meterRegistry.getIfUnique();
		OnceOnlyMeters counters = (meters != null)
				? new OnceOnlyMeters(meters, settings.getAgentTag().isEnabled(), settings.getAgentTag().getMaxAgents())
				: null;
		return new ObservedOnceOnly(client, registry, this.convention.getIfUnique(), counters,
				settings.isWebClientCalls());
	}

}
