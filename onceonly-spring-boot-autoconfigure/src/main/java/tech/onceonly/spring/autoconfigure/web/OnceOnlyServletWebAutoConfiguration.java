package tech.onceonly.spring.autoconfigure.web;

import java.time.Clock;

import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.Filter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.spring.web.idempotency.DefaultIdempotencyKeyScopeResolver;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyFilter;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyInterceptor;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyScopeResolver;
import tech.onceonly.spring.web.webhook.WebhookBodyCachingFilter;
import tech.onceonly.spring.web.webhook.WebhookIdempotencyInterceptor;

/**
 * {@code @IdempotentWebhook} and Idempotency-Key support for Spring MVC applications that
 * have an {@link OnceOnly} bean (from the OnceOnly auto-configuration or their own): the
 * servlet filters that make bodies re-readable and capture responses, and the
 * interceptors that guard handlers. Each feature has its own {@code enabled} flag. Leases
 * are heartbeated on a {@link Heartbeats} bean (or the JVM-wide one) and lease events go
 * to a {@link LeaseEvents} bean (or the log).
 */
@AutoConfiguration(afterName = "tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ DispatcherServlet.class, Filter.class })
@ConditionalOnBean(OnceOnly.class)
@EnableConfigurationProperties({ OnceOnlyWebhookProperties.class, OnceOnlyIdempotencyKeyProperties.class })
public final class OnceOnlyServletWebAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "onceonly.webhook.enabled", matchIfMissing = true)
	static class WebhookConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WebhookBodyCachingFilter onceOnlyWebhookBodyCachingFilter(OnceOnlyWebhookProperties properties) {
			return new WebhookBodyCachingFilter(properties.toSettings().maxBodyBytes());
		}

		@Bean
		@ConditionalOnMissingBean
		WebhookIdempotencyInterceptor onceOnlyWebhookIdempotencyInterceptor(OnceOnly onceOnly,
				OnceOnlyWebhookProperties properties, ObjectProvider<ObservationRegistry> observationRegistry,
				ObjectProvider<Heartbeats> heartbeats, ObjectProvider<LeaseEvents> leaseEvents) {
			return new WebhookIdempotencyInterceptor(onceOnly, properties.toSettings(),
					observationRegistry.getIfUnique(), heartbeats.getIfUnique(Heartbeats::shared),
					leaseEvents.getIfAvailable(() -> LeaseEvents.LOGGING),
					properties.toVerification(Clock.systemUTC()));
		}

		@Bean
		WebMvcConfigurer onceOnlyWebhookWebMvcConfigurer(WebhookIdempotencyInterceptor interceptor) {
			return new WebMvcConfigurer() {

				@Override
				public void addInterceptors(InterceptorRegistry registry) {
					registry.addInterceptor(interceptor);
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "onceonly.idempotency-key.enabled", matchIfMissing = true)
	static class IdempotencyKeyConfiguration {

		@Bean
		@ConditionalOnMissingBean
		IdempotencyKeyScopeResolver onceOnlyIdempotencyKeyScopeResolver(OnceOnlyIdempotencyKeyProperties properties) {
			return new DefaultIdempotencyKeyScopeResolver(properties.toSettings().tenantHeader());
		}

		@Bean
		@ConditionalOnMissingBean
		IdempotencyKeyFilter onceOnlyIdempotencyKeyFilter(OnceOnly onceOnly,
				OnceOnlyIdempotencyKeyProperties properties) {
			return new IdempotencyKeyFilter(onceOnly, properties.toSettings());
		}

		@Bean
		@ConditionalOnMissingBean
		IdempotencyKeyInterceptor onceOnlyIdempotencyKeyInterceptor(OnceOnly onceOnly,
				OnceOnlyIdempotencyKeyProperties properties, IdempotencyKeyScopeResolver scopeResolver,
				ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<Heartbeats> heartbeats,
				ObjectProvider<LeaseEvents> leaseEvents) {
			return new IdempotencyKeyInterceptor(onceOnly, properties.toSettings(), scopeResolver,
					observationRegistry.getIfUnique(), heartbeats.getIfUnique(Heartbeats::shared),
					leaseEvents.getIfAvailable(() -> LeaseEvents.LOGGING));
		}

		@Bean
		WebMvcConfigurer onceOnlyIdempotencyKeyWebMvcConfigurer(IdempotencyKeyInterceptor interceptor) {
			return new WebMvcConfigurer() {

				@Override
				public void addInterceptors(InterceptorRegistry registry) {
					registry.addInterceptor(interceptor);
				}

			};
		}

	}

}
