package tech.onceonly.spring.autoconfigure.web;

import java.time.Clock;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.WebFilter;

import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.spring.web.reactive.DefaultReactiveIdempotencyKeyScopeResolver;
import tech.onceonly.spring.web.reactive.ReactiveIdempotencyKeyFilter;
import tech.onceonly.spring.web.reactive.ReactiveIdempotencyKeyScopeResolver;
import tech.onceonly.spring.web.reactive.ReactiveWebhookFilter;

/**
 * {@code @IdempotentWebhook} and Idempotency-Key support for WebFlux applications that
 * have an {@link OnceOnly} bean: two {@link WebFilter}s on the reactive client, which
 * find annotated handlers through WebFlux's {@code requestMappingHandlerMapping}. Each
 * feature has its own {@code enabled} flag. Leases are heartbeated on a
 * {@link Heartbeats} bean (or the JVM-wide one) and lease events go to a
 * {@link LeaseEvents} bean (or the log).
 */
@AutoConfiguration(afterName = { "tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration",
		"org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ DispatcherHandler.class, WebFilter.class })
@ConditionalOnBean(OnceOnly.class)
@EnableConfigurationProperties({ OnceOnlyWebhookProperties.class, OnceOnlyIdempotencyKeyProperties.class })
public final class OnceOnlyReactiveWebAutoConfiguration {

	private static final String HANDLER_MAPPING = "requestMappingHandlerMapping";

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "onceonly.webhook.enabled", matchIfMissing = true)
	static class WebhookConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ReactiveWebhookFilter onceOnlyReactiveWebhookFilter(OnceOnly onceOnly, OnceOnlyWebhookProperties properties,
				@Qualifier(HANDLER_MAPPING) HandlerMapping handlerMapping,
				ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<Heartbeats> heartbeats,
				ObjectProvider<LeaseEvents> leaseEvents) {
			return new ReactiveWebhookFilter(onceOnly, properties.toSettings(), handlerMapping,
					observationRegistry.getIfUnique(), heartbeats.getIfUnique(Heartbeats::shared),
					leaseEvents.getIfAvailable(() -> LeaseEvents.LOGGING),
					properties.toVerification(Clock.systemUTC()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "onceonly.idempotency-key.enabled", matchIfMissing = true)
	static class IdempotencyKeyConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ReactiveIdempotencyKeyScopeResolver onceOnlyReactiveIdempotencyKeyScopeResolver(
				OnceOnlyIdempotencyKeyProperties properties) {
			return new DefaultReactiveIdempotencyKeyScopeResolver(properties.toSettings().tenantHeader());
		}

		@Bean
		@ConditionalOnMissingBean
		ReactiveIdempotencyKeyFilter onceOnlyReactiveIdempotencyKeyFilter(OnceOnly onceOnly,
				OnceOnlyIdempotencyKeyProperties properties, @Qualifier(HANDLER_MAPPING) HandlerMapping handlerMapping,
				ReactiveIdempotencyKeyScopeResolver scopeResolver,
				ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<Heartbeats> heartbeats,
				ObjectProvider<LeaseEvents> leaseEvents) {
			return new ReactiveIdempotencyKeyFilter(onceOnly, properties.toSettings(), handlerMapping, scopeResolver,
					observationRegistry.getIfUnique(), heartbeats.getIfUnique(Heartbeats::shared),
					leaseEvents.getIfAvailable(() -> LeaseEvents.LOGGING));
		}

	}

}
