package tech.onceonly.spring.autoconfigure.health;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.health.OnceOnlyHealthIndicator;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;

/** When the onceonly health indicator is registered. */
class OnceOnlyHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OnceOnlyHealthContributorAutoConfiguration.class));

	@Test
	void indicatorShouldBeRegisteredAsOnceonlyAndBeUp() {
		this.runner.withUserConfiguration(ClientConfiguration.class)
			.withPropertyValues("onceonly.health.timeout=500ms")
			.run((context) -> {
				assertThat(context).hasSingleBean(OnceOnlyHealthIndicator.class).hasBean("onceonlyHealthIndicator");
				assertThat(context.getBean(OnceOnlyHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
				assertThat(context.getBean(OnceOnlyHealthProperties.class).getTimeout()).hasMillis(500);
			});
	}

	@Test
	void indicatorShouldBeOffWhenDisabled() {
		this.runner.withUserConfiguration(ClientConfiguration.class)
			.withPropertyValues("management.health.onceonly.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(OnceOnlyHealthIndicator.class));
	}

	@Test
	void indicatorShouldBeOffWhenHealthDefaultsAreOff() {
		this.runner.withUserConfiguration(ClientConfiguration.class)
			.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(OnceOnlyHealthIndicator.class));
	}

	@Test
	void indicatorShouldBeOffWithoutAClient() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(OnceOnlyHealthIndicator.class));
	}

	@Test
	void indicatorShouldBeOffWithoutTheHealthModule() {
		this.runner.withUserConfiguration(ClientConfiguration.class)
			.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(OnceOnlyHealthIndicator.class));
	}

	@Test
	void userIndicatorShouldWin() {
		this.runner.withUserConfiguration(ClientConfiguration.class, CustomIndicatorConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(HealthIndicator.class)
				.doesNotHaveBean(OnceOnlyHealthIndicator.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class ClientConfiguration {

		@Bean(destroyMethod = "close")
		OnceOnly onceOnly() {
			return new LocalOnceOnly(new InMemoryStore());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomIndicatorConfiguration {

		@Bean
		HealthIndicator onceonlyHealthIndicator() {
			return () -> org.springframework.boot.health.contributor.Health.up().build();
		}

	}

}
