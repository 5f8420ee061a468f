package tech.onceonly.spring.autoconfigure.governance;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tech.onceonly.ai.AgentToolCall;
import tech.onceonly.ai.AgentToolExecution;
import tech.onceonly.ai.AgentToolGovernor;
import tech.onceonly.ai.AgentToolOutcome;
import tech.onceonly.client.AgentDisabledException;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OnceOnlyTransportException;
import tech.onceonly.client.ToolBlockedException;
import tech.onceonly.spring.annotation.GovernedTool;
import tech.onceonly.spring.aop.GovernedToolAdvisor;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration;
import tech.onceonly.spring.autoconfigure.store.OnceOnlyJdbcStoreAutoConfiguration;
import tech.onceonly.store.jdbc.JdbcGovernanceStore;
import tech.onceonly.store.memory.InMemoryGovernanceStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class OnceOnlyGovernanceAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(OnceOnlyAutoConfiguration.class, OnceOnlyGovernanceAutoConfiguration.class))
		.withUserConfiguration(ToolsConfiguration.class);

	@Test
	void governedMethodsShouldRunThroughTheLocalEnginesPipeline() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(GovernedToolAdvisor.class);
			OnceOnly onceOnly = context.getBean(OnceOnly.class);
			Mailer mailer = context.getBean(Mailer.class);
			assertThat(mailer.send("a@example.com")).isEqualTo("sent:a@example.com");
			assertThat(onceOnly.gov().agentLogs("support-bot", 10)).hasSize(1);
			onceOnly.gov().upsertPolicy("support-bot", Map.of("blocked_tools", List.of("send_email")));
			assertThatExceptionOfType(ToolBlockedException.class).isThrownBy(() -> mailer.send("b@example.com"));
			onceOnly.gov().disableAgent("support-bot", "test");
			assertThatExceptionOfType(AgentDisabledException.class).isThrownBy(() -> mailer.send("c@example.com"));
		});
	}

	@Test
	void governedMethodsShouldGoThroughTheAgentToolGovernorBean() {
		List<AgentToolCall> calls = new ArrayList<>();
		AgentToolGovernor recording = (call, execution) -> {
			calls.add(call);
			return AgentToolOutcome.executed("ok", "recorded", AgentToolExecution.run(execution));
		};
		this.runner.withBean(AgentToolGovernor.class, () -> recording).run((context) -> {
			assertThat(context.getBean(Mailer.class).send("a@example.com")).isEqualTo("sent:a@example.com");
			assertThat(calls).singleElement().satisfies((call) -> {
				assertThat(call.agentId()).isEqualTo("support-bot");
				assertThat(call.tool()).isEqualTo("send_email");
				assertThat(call.arguments()).containsEntry("to", "a@example.com");
			});
		});
	}

	@Test
	void remoteClientShouldGovernThroughTheApiInsteadOfRefusing() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		this.runner
			.withPropertyValues("onceonly.mode=remote", "onceonly.api-key=once_test_governed",
					"onceonly.base-url=http://127.0.0.1:" + closedPort + "/v1", "onceonly.retry.max-retries=0")
			.run((context) -> {
				assertThat(context.getBean(OnceOnly.class).backend().isLocal()).isFalse();
				Mailer mailer = context.getBean(Mailer.class);
				assertThatExceptionOfType(OnceOnlyTransportException.class)
					.isThrownBy(() -> mailer.send("a@example.com"));
			});
	}

	@Test
	void annotationsSwitchedOffShouldLeaveMethodsAlone() {
		this.runner.withPropertyValues("onceonly.annotations.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GovernedToolAdvisor.class));
	}

	@Test
	void withoutSpringAopNothingShouldBeConfigured() {
		this.runner.withClassLoader(new FilteredClassLoader(org.springframework.aop.Advisor.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GovernedToolAdvisor.class));
	}

	@Test
	void jdbcStoreTypeShouldPutGovernanceInTheDatabase() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, OnceOnlyJdbcStoreAutoConfiguration.class,
							OnceOnlyAutoConfiguration.class, OnceOnlyGovernanceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
					"onceonly.store.type=jdbc")
			.run((context) -> {
				assertThat(context).hasSingleBean(JdbcGovernanceStore.class);
				LocalOnceOnly onceOnly = (LocalOnceOnly) context.getBean(OnceOnly.class);
				assertThat(onceOnly.governance().store()).isSameAs(context.getBean(JdbcGovernanceStore.class));
				onceOnly.gov().disableAgent("a", "stop");
				assertThat(context.getBean(JdbcGovernanceStore.class).getAgent("a").enabled()).isFalse();
			});
	}

	@Test
	void memoryStoreTypeShouldKeepGovernanceInMemory() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(InMemoryGovernanceStore.class);
			assertThat(((LocalOnceOnly) context.getBean(OnceOnly.class)).governance().store().type())
				.isEqualTo("memory");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class ToolsConfiguration {

		@Bean
		Mailer mailer() {
			return new Mailer();
		}

	}

	static class Mailer {

		@GovernedTool(agent = "support-bot", tool = "send_email")
		public String send(String to) {
			return "sent:" + to;
		}

	}

}
