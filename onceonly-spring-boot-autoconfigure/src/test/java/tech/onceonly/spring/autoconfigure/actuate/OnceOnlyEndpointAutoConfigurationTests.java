package tech.onceonly.spring.autoconfigure.actuate;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.actuate.OnceOnlyEndpoint;
import tech.onceonly.spring.actuate.OnceOnlyEndpoint.WriteResult;
import tech.onceonly.spring.actuate.OnceOnlyEndpointWebExtension;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;

/** When the onceonly endpoint is registered, and its write switch. */
class OnceOnlyEndpointAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OnceOnlyEndpointAutoConfiguration.class))
		.withUserConfiguration(ClientConfiguration.class);

	@Test
	void endpointShouldBeAbsentUntilExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(OnceOnlyEndpoint.class)
			.doesNotHaveBean(OnceOnlyEndpointWebExtension.class));
	}

	@Test
	void exposedEndpointShouldRefuseWritesByDefault() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=onceonly").run((context) -> {
			assertThat(context).hasSingleBean(OnceOnlyEndpoint.class).hasSingleBean(OnceOnlyEndpointWebExtension.class);
			OnceOnlyEndpoint endpoint = context.getBean(OnceOnlyEndpoint.class);
			assertThat(endpoint.summary().writeEnabled()).isFalse();
			assertThat(endpoint.release("locks", "k").status()).isEqualTo(WriteResult.REFUSED);
			assertThat(context.getBean(OnceOnlyEndpointWebExtension.class).release("locks", "k").getStatus())
				.isEqualTo(403);
		});
	}

	@Test
	void writesShouldBeAllowedWhenEnabled() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=onceonly",
					"onceonly.endpoint.write-enabled=true")
			.run((context) -> {
				OnceOnly client = context.getBean(OnceOnly.class);
				client.checkLock("stuck");
				OnceOnlyEndpoint endpoint = context.getBean(OnceOnlyEndpoint.class);
				assertThat(endpoint.summary().writeEnabled()).isTrue();
				assertThat(endpoint.release("locks", "stuck").status()).isEqualTo(WriteResult.DONE);
				assertThat(client.checkLock("stuck").shouldProceed()).isTrue();
			});
	}

	@Test
	void endpointShouldBeAbsentWhenExcluded() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=onceonly",
					"management.endpoints.web.exposure.exclude=onceonly")
			.run((context) -> assertThat(context).doesNotHaveBean(OnceOnlyEndpoint.class));
	}

	@Test
	void endpointShouldBackOffWithoutActuator() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=onceonly")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(OnceOnlyEndpoint.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class ClientConfiguration {

		@Bean(destroyMethod = "close")
		OnceOnly onceOnly() {
			return new LocalOnceOnly(new InMemoryStore());
		}

	}

}
