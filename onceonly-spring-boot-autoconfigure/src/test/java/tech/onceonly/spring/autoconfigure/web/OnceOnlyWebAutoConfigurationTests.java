package tech.onceonly.spring.autoconfigure.web;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.servlet.DispatcherServlet;

import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyFilter;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyInterceptor;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyScopeResolver;
import tech.onceonly.spring.web.idempotency.IdempotencyKeySettings;
import tech.onceonly.spring.web.reactive.ReactiveIdempotencyKeyFilter;
import tech.onceonly.spring.web.reactive.ReactiveWebhookFilter;
import tech.onceonly.spring.web.webhook.WebhookBodyCachingFilter;
import tech.onceonly.spring.web.webhook.WebhookIdempotencyInterceptor;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;

/** Wiring and back-off of the web auto-configurations. */
class OnceOnlyWebAutoConfigurationTests {

	private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OnceOnlyServletWebAutoConfiguration.class,
				OnceOnlyReactiveWebAutoConfiguration.class));

	private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OnceOnlyServletWebAutoConfiguration.class,
				OnceOnlyReactiveWebAutoConfiguration.class))
		.withUserConfiguration(WebFluxConfig.class);

	private static LocalOnceOnly onceOnly() {
		return new LocalOnceOnly(new InMemoryStore());
	}

	@Test
	void servletAppWithAnOnceOnlyBeanShouldGetFiltersAndInterceptors() {
		this.servlet.withBean(OnceOnly.class, OnceOnlyWebAutoConfigurationTests::onceOnly).run((context) -> {
			assertThat(context).hasSingleBean(WebhookBodyCachingFilter.class)
				.hasSingleBean(WebhookIdempotencyInterceptor.class)
				.hasSingleBean(IdempotencyKeyFilter.class)
				.hasSingleBean(IdempotencyKeyInterceptor.class)
				.hasSingleBean(IdempotencyKeyScopeResolver.class)
				.doesNotHaveBean(ReactiveWebhookFilter.class)
				.doesNotHaveBean(ReactiveIdempotencyKeyFilter.class);
		});
	}

	@Test
	void onceOnlyBeanFromTheMainAutoConfigurationShouldBeUsed() {
		new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(OnceOnlyServletWebAutoConfiguration.class, OnceOnlyAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(OnceOnly.class)
				.hasSingleBean(IdempotencyKeyFilter.class)
				.hasSingleBean(WebhookIdempotencyInterceptor.class));
		new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(OnceOnlyServletWebAutoConfiguration.class, OnceOnlyAutoConfiguration.class))
			.withPropertyValues("onceonly.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(IdempotencyKeyFilter.class));
	}

	@Test
	void withoutAnOnceOnlyBeanEverythingShouldBackOff() {
		this.servlet.run((context) -> assertThat(context).doesNotHaveBean(WebhookIdempotencyInterceptor.class)
			.doesNotHaveBean(IdempotencyKeyFilter.class));
		this.reactive.run((context) -> assertThat(context).doesNotHaveBean(ReactiveWebhookFilter.class));
	}

	@Test
	void nonWebAppShouldGetNothing() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OnceOnlyServletWebAutoConfiguration.class,
					OnceOnlyReactiveWebAutoConfiguration.class))
			.withBean(OnceOnly.class, OnceOnlyWebAutoConfigurationTests::onceOnly)
			.run((context) -> assertThat(context).doesNotHaveBean(WebhookIdempotencyInterceptor.class)
				.doesNotHaveBean(ReactiveWebhookFilter.class));
	}

	@Test
	void eachFeatureShouldHaveItsOwnEnabledFlag() {
		this.servlet.withBean(OnceOnly.class, OnceOnlyWebAutoConfigurationTests::onceOnly)
			.withPropertyValues("onceonly.webhook.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WebhookIdempotencyInterceptor.class)
				.doesNotHaveBean(WebhookBodyCachingFilter.class)
				.hasSingleBean(IdempotencyKeyInterceptor.class));
		this.servlet.withBean(OnceOnly.class, OnceOnlyWebAutoConfigurationTests::onceOnly)
			.withPropertyValues("onceonly.idempotency-key.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(WebhookIdempotencyInterceptor.class)
				.doesNotHaveBean(IdempotencyKeyFilter.class)
				.doesNotHaveBean(IdempotencyKeyInterceptor.class));
	}

	@Test
	void propertiesShouldBindToSettings() {
		this.servlet.withBean(OnceOnly.class, OnceOnlyWebAutoConfigurationTests::onceOnly)
			.withPropertyValues("onceonly.idempotency-key.paths=/api/payments/**,/api/orders",
					"onceonly.idempotency-key.max-stored-body-size=8KB",
					"onceonly.idempotency-key.replay-server-errors=true",
					"onceonly.idempotency-key.tenant-header=X-Tenant-Id", "onceonly.idempotency-key.lease-ttl=90s",
					"onceonly.webhook.duplicate-status=202", "onceonly.webhook.max-body-size=256KB")
			.run((context) -> {
				IdempotencyKeySettings settings = context.getBean(OnceOnlyIdempotencyKeyProperties.class).toSettings();
				assertThat(settings.paths()).containsExactly("/api/payments/**", "/api/orders");
				assertThat(settings.maxStoredBodyBytes()).isEqualTo(8 * 1024);
				assertThat(settings.replayServerErrors()).isTrue();
				assertThat(settings.tenantHeader()).isEqualTo("X-Tenant-Id");
				assertThat(settings.leaseTtl()).isEqualTo(Duration.ofSeconds(90));
				assertThat(settings.methods()).containsExactlyInAnyOrder("POST", "PATCH");
				assertThat(context.getBean(OnceOnlyWebhookProperties.class).toSettings().duplicateStatus())
					.isEqualTo(202);
				assertThat(context.getBean(OnceOnlyWebhookProperties.class).toSettings().maxBodyBytes())
					.isEqualTo(256 * 1024);
			});
	}

	@Test
	void webhookSecretsShouldBindAndNeverShowInToString() {
		this.servlet.withBean(OnceOnly.class, OnceOnlyWebAutoConfigurationTests::onceOnly)
			.withPropertyValues("onceonly.webhook.endpoints.stripe.secret=whsec_current_value",
					"onceonly.webhook.endpoints.stripe.secrets[0]=whsec_retired_value",
					"onceonly.webhook.endpoints.github.secret=gh_value",
					"onceonly.webhook.endpoints.github.tolerance=2m")
			.run((context) -> {
				OnceOnlyWebhookProperties properties = context.getBean(OnceOnlyWebhookProperties.class);
				assertThat(properties.getEndpoints().get("stripe").getSecrets()).containsExactly("whsec_retired_value");
				assertThat(properties.getEndpoints().get("github").getTolerance()).isEqualTo(Duration.ofMinutes(2));
				assertThat(properties.toString() + properties.getEndpoints()
						+ properties.toVerification(java.time.Clock.systemUTC()))
					.doesNotContain("whsec_current_value")
					.doesNotContain("whsec_retired_value")
					.doesNotContain("gh_value")
					.contains("stripe");
			});
	}

	@Test
	void webhookEndpointWithoutASecretShouldFailAtStartupNamingTheProperty() {
		this.servlet.withBean(OnceOnly.class, OnceOnlyWebAutoConfigurationTests::onceOnly)
			.withPropertyValues("onceonly.webhook.endpoints.stripe.tolerance=1m")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("onceonly.webhook.endpoints.stripe.secret"));
	}

	@Test
	void non2xxDuplicateStatusShouldFailAtStartupNamingTheProperty() {
		this.servlet.withBean(OnceOnly.class, OnceOnlyWebAutoConfigurationTests::onceOnly)
			.withPropertyValues("onceonly.webhook.duplicate-status=409")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("onceonly.webhook.duplicate-status"));
	}

	@Test
	void userBeansShouldWin() {
		IdempotencyKeyScopeResolver custom = (request) -> "client:" + request.getHeader("X-Client");
		this.servlet.withBean(OnceOnly.class, OnceOnlyWebAutoConfigurationTests::onceOnly)
			.withBean(IdempotencyKeyScopeResolver.class, () -> custom)
			.run((context) -> assertThat(context.getBean(IdempotencyKeyScopeResolver.class)).isSameAs(custom));
	}

	@Test
	void leaseEventsBeanShouldReceiveTheEventsOfEveryWebPath() {
		LeaseEvents events = new LeaseEvents() {

			@Override
			public void leaseLost(String path, String key) {
			}

			@Override
			public void completionRetried(String path, String key, int attempt, Throwable failure) {
			}

			@Override
			public void outcomeUnknown(String path, String key, Throwable failure) {
			}

		};
		this.servlet.withBean(OnceOnly.class, OnceOnlyWebAutoConfigurationTests::onceOnly)
			.withBean(LeaseEvents.class, () -> events)
			.run((context) -> {
				assertThat(context.getBean(WebhookIdempotencyInterceptor.class)).extracting("events").isSameAs(events);
				assertThat(context.getBean(IdempotencyKeyInterceptor.class)).extracting("events").isSameAs(events);
			});
		this.reactive.withBean(OnceOnly.class, OnceOnlyWebAutoConfigurationTests::onceOnly)
			.withBean(LeaseEvents.class, () -> events)
			.run((context) -> {
				assertThat(context.getBean(ReactiveWebhookFilter.class)).extracting("events").isSameAs(events);
				assertThat(context.getBean(ReactiveIdempotencyKeyFilter.class)).extracting("events").isSameAs(events);
			});
		this.servlet.withBean(OnceOnly.class, OnceOnlyWebAutoConfigurationTests::onceOnly)
			.run((context) -> assertThat(context.getBean(WebhookIdempotencyInterceptor.class)).extracting("events")
				.isSameAs(LeaseEvents.LOGGING));
	}

	@Test
	void reactiveAppShouldGetWebFiltersOnly() {
		this.reactive.withBean(OnceOnly.class, OnceOnlyWebAutoConfigurationTests::onceOnly).run((context) -> {
			assertThat(context).hasSingleBean(ReactiveWebhookFilter.class)
				.hasSingleBean(ReactiveIdempotencyKeyFilter.class)
				.doesNotHaveBean(WebhookIdempotencyInterceptor.class)
				.doesNotHaveBean(IdempotencyKeyFilter.class);
		});
		this.reactive.withBean(OnceOnly.class, OnceOnlyWebAutoConfigurationTests::onceOnly)
			.withPropertyValues("onceonly.webhook.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ReactiveWebhookFilter.class)
				.hasSingleBean(ReactiveIdempotencyKeyFilter.class));
	}

	@Test
	void servletAppWithoutWebFluxShouldNotNeedIt() {
		this.servlet.withBean(OnceOnly.class, OnceOnlyWebAutoConfigurationTests::onceOnly)
			.withClassLoader(new FilteredClassLoader(DispatcherHandler.class))
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(IdempotencyKeyFilter.class));
	}

	@Test
	void missingSpringMvcShouldBackOff() {
		this.servlet.withBean(OnceOnly.class, OnceOnlyWebAutoConfigurationTests::onceOnly)
			.withClassLoader(new FilteredClassLoader(DispatcherServlet.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(IdempotencyKeyFilter.class));
	}

	@Test
	void importsFileShouldListTheWebAutoConfigurations() throws Exception {
		try (var in = getClass()
			.getResourceAsStream("/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
			assertThat(in).isNotNull();
			List<String> lines = new String(in.readAllBytes()).lines().toList();
			assertThat(lines).contains(OnceOnlyReactiveWebAutoConfiguration.class.getName(),
					OnceOnlyServletWebAutoConfiguration.class.getName());
			assertThat(lines).isSorted();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebFlux
	static class WebFluxConfig {

	}

}
