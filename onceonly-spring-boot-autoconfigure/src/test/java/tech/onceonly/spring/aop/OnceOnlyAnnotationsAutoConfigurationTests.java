package tech.onceonly.spring.aop;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.spring.annotation.DuplicateExecutionException;
import tech.onceonly.spring.annotation.Idempotent;
import tech.onceonly.spring.annotation.IdempotentAi;
import tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration;
import tech.onceonly.spring.autoconfigure.aop.OnceOnlyAnnotationsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class OnceOnlyAnnotationsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(OnceOnlyAutoConfiguration.class, OnceOnlyAnnotationsAutoConfiguration.class))
		.withUserConfiguration(GreeterConfiguration.class)
		.withPropertyValues("greeter.ttl=1h");

	@Test
	void annotatedBeansShouldBeProxiedAndIntercepted() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(OnceOnlyAnnotationAdvisor.class)
				.hasSingleBean(IdempotentMethodValidator.class);
			Greeter greeter = context.getBean(Greeter.class);
			assertThat(AopUtils.isAopProxy(greeter)).isTrue();
			assertThat(greeter.greet("alice")).isEqualTo("hello alice #1");
			assertThatExceptionOfType(DuplicateExecutionException.class).isThrownBy(() -> greeter.greet("alice"));
			assertThat(greeter.summary("s")).isEqualTo(greeter.summary("s"));
			assertThat(context.getBean(AtomicInteger.class)).hasValue(2);
		});
	}

	@Test
	void orderShouldComeFromTheProperty() {
		this.runner.withPropertyValues("onceonly.annotations.order=42")
			.run((context) -> assertThat(context.getBean(OnceOnlyAnnotationAdvisor.class).getOrder()).isEqualTo(42));
		this.runner.run((context) -> assertThat(context.getBean(OnceOnlyAnnotationAdvisor.class).getOrder())
			.isEqualTo(OnceOnlyAnnotationsAutoConfiguration.DEFAULT_ORDER));
	}

	@Test
	void disabledAnnotationsShouldBackOff() {
		this.runner.withPropertyValues("onceonly.annotations.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(Advisor.class).hasSingleBean(OnceOnly.class);
			assertThat(AopUtils.isAopProxy(context.getBean(Greeter.class))).isFalse();
		});
	}

	@Test
	void disabledValidationShouldDropTheValidator() {
		this.runner.withPropertyValues("onceonly.annotations.validate=false")
			.run((context) -> assertThat(context).doesNotHaveBean(IdempotentMethodValidator.class)
				.hasSingleBean(OnceOnlyAnnotationAdvisor.class));
	}

	@Test
	void disabledOnceOnlyShouldBackOff() {
		this.runner.withPropertyValues("onceonly.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Advisor.class).doesNotHaveBean(OnceOnly.class));
	}

	@Test
	void withoutSpringAopShouldBackOffAndKeepTheClient() {
		this.runner.withClassLoader(new FilteredClassLoader(Advisor.class)).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(OnceOnly.class)
				.doesNotHaveBean(OnceOnlyAnnotationAdvisor.class);
		});
	}

	@Test
	void userDefinedAdvisorShouldWin() {
		this.runner.withUserConfiguration(UserAdvisorConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(OnceOnlyAnnotationAdvisor.class);
			assertThat(context.getBean(OnceOnlyAnnotationAdvisor.class).getOrder()).isEqualTo(7);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class GreeterConfiguration {

		@Bean
		AtomicInteger calls() {
			return new AtomicInteger();
		}

		@Bean
		Greeter greeter(AtomicInteger calls) {
			return new Greeter(calls);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserAdvisorConfiguration {

		@Bean
		static OnceOnlyAnnotationAdvisor myAdvisor(org.springframework.beans.factory.ObjectProvider<OnceOnly> client) {
			OnceOnlyAnnotationAdvisor advisor = new OnceOnlyAnnotationAdvisor(client::getObject,
					() -> tools.jackson.databind.json.JsonMapper.builder().build(), null);
			advisor.setOrder(7);
			return advisor;
		}

	}

	static class Greeter {

		private final AtomicInteger calls;

		Greeter(AtomicInteger calls) {
			this.calls = calls;
		}

		@Idempotent(key = "#name", ttl = "${greeter.ttl}")
		public String greet(String name) {
			return "hello " + name + " #" + this.calls.incrementAndGet();
		}

		@IdempotentAi(key = "'summary:' + #p0")
		public Summary summary(String id) {
			return new Summary(id, this.calls.incrementAndGet());
		}

	}

	record Summary(String id, int number) {
	}

	@Test
	void aHeartbeatSlowerThanHalfTheLeaseShouldFailTheStartNamingTheMethod() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(OnceOnlyAutoConfiguration.class, OnceOnlyAnnotationsAutoConfiguration.class))
			.withBean(SlowHeartbeat.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("@IdempotentAi on")
				.hasMessageContaining("SlowHeartbeat.charge")
				.hasMessageContaining("extendEvery (PT30S) must be at most half the lease ttl (PT20S)"));
	}

	static class SlowHeartbeat {

		@IdempotentAi(key = "#orderId", ttl = "20s", extendEvery = "30s")
		public String charge(String orderId) {
			return orderId;
		}

	}

}
