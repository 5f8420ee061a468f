package tech.onceonly.spring.autoconfigure.ai;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.resolution.StaticToolCallbackResolver;
import org.springframework.ai.tool.resolution.ToolCallbackResolver;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tech.onceonly.ai.AgentIdResolver;
import tech.onceonly.ai.AgentToolGovernance;
import tech.onceonly.ai.AgentToolGovernor;
import tech.onceonly.ai.IdempotentToolCalls;
import tech.onceonly.ai.LocalAgentToolGovernor;
import tech.onceonly.ai.MissingAgentIdException;
import tech.onceonly.ai.langchain4j.GovernedToolErrorHandler;
import tech.onceonly.ai.springai.GovernedToolCallbackResolver;
import tech.onceonly.ai.springai.GovernedToolCallingManager;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class OnceOnlyAiAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OnceOnlyAiAutoConfiguration.class,
				OnceOnlySpringAiAutoConfiguration.class, OnceOnlyLangChain4jAutoConfiguration.class));

	@Test
	void withoutOnceOnlyBeanShouldBackOff() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(AgentToolGovernance.class)
			.doesNotHaveBean(GovernedToolErrorHandler.class));
	}

	@Test
	void localOnceOnlyShouldGetTheLocalGovernorAndBothFrameworks() {
		this.runner.withUserConfiguration(LocalConfig.class).run((context) -> {
			assertThat(context.getBean(AgentToolGovernor.class)).isInstanceOf(LocalAgentToolGovernor.class);
			assertThat(context).hasSingleBean(AgentToolGovernance.class)
				.hasSingleBean(IdempotentToolCalls.class)
				.hasSingleBean(AgentIdResolver.class)
				.hasSingleBean(GovernedToolErrorHandler.class);
		});
	}

	@Test
	void disabledShouldBackOff() {
		this.runner.withUserConfiguration(LocalConfig.class)
			.withPropertyValues("onceonly.ai.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(AgentToolGovernance.class));
	}

	@Test
	void withoutLangChain4jShouldSkipItsConfiguration() {
		this.runner.withUserConfiguration(LocalConfig.class)
			.withClassLoader(new FilteredClassLoader("dev.langchain4j"))
			.run((context) -> assertThat(context).hasSingleBean(AgentToolGovernance.class)
				.doesNotHaveBean(GovernedToolErrorHandler.class));
	}

	@Test
	void toolCallingBeansShouldBeGovernedUsingTheDefaultAgentId() {
		this.runner.withUserConfiguration(LocalConfig.class, SpringAiConfig.class)
			.withPropertyValues("onceonly.ai.default-agent-id=sample-agent")
			.run((context) -> {
				assertThat(context.getBean(ToolCallingManager.class)).isInstanceOf(GovernedToolCallingManager.class);
				ToolCallbackResolver resolver = context.getBean(ToolCallbackResolver.class);
				assertThat(resolver).isInstanceOf(GovernedToolCallbackResolver.class);
				ToolCallback echo = resolver.resolve("echo");
				assertThat(echo.call("{\"x\":1}", new ToolContext(Map.of()))).isEqualTo("echo 1");
				assertThat(echo.call("{\"x\":1}", new ToolContext(Map.of()))).isEqualTo("echo 1");
				assertThat(context.getBean(SpringAiConfig.class).calls).isEqualTo(1);
				assertThat(context.getBean(OnceOnly.class).gov().agentLogs("sample-agent", 5)).hasSize(2);
			});
	}

	@Test
	void missingAgentIdShouldFailClosedByDefault() {
		this.runner.withUserConfiguration(LocalConfig.class, SpringAiConfig.class).run((context) -> {
			ToolCallback echo = context.getBean(ToolCallbackResolver.class).resolve("echo");
			assertThatExceptionOfType(MissingAgentIdException.class)
				.isThrownBy(() -> echo.call("{\"x\":1}", new ToolContext(Map.of())));
		});
	}

	@Test
	void optionalAgentIdShouldRunTheToolUngoverned() {
		this.runner.withUserConfiguration(LocalConfig.class, SpringAiConfig.class)
			.withPropertyValues("onceonly.ai.require-agent-id=false")
			.run((context) -> {
				ToolCallback echo = context.getBean(ToolCallbackResolver.class).resolve("echo");
				echo.call("{\"x\":1}", new ToolContext(Map.of()));
				echo.call("{\"x\":1}", new ToolContext(Map.of()));
				assertThat(context.getBean(SpringAiConfig.class).calls).isEqualTo(2);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class LocalConfig {

		@Bean(destroyMethod = "close")
		LocalOnceOnly onceOnly() {
			return LocalOnceOnly.builder(new InMemoryStore()).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SpringAiConfig {

		int calls;

		@Bean
		ToolCallingManager toolCallingManager(ToolCallbackResolver resolver) {
			return ToolCallingManager.builder().toolCallbackResolver(resolver).build();
		}

		@Bean
		ToolCallbackResolver toolCallbackResolver() {
			ToolCallback echo = org.springframework.ai.tool.function.FunctionToolCallback
				.builder("echo", (Map<String, Object> input) -> "echo " + input.get("x"))
				.inputType(Map.class)
				.build();
			return new StaticToolCallbackResolver(java.util.List.of(new CountingCallback(echo, this)));
		}

	}

	record CountingCallback(ToolCallback delegate, SpringAiConfig config) implements ToolCallback {

		@Override
		public org.springframework.ai.tool.definition.ToolDefinition getToolDefinition() {
			return this.delegate.getToolDefinition();
		}

		@Override
		public String call(String toolInput) {
			this.config.calls++;
			return "echo " + toolInput.replaceAll("\\D", "");
		}

	}

}
