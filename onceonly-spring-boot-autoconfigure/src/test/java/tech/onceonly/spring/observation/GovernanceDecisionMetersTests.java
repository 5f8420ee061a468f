package tech.onceonly.spring.observation;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.ai.AgentCallContext;
import tech.onceonly.ai.AgentIdResolver;
import tech.onceonly.ai.AgentToolCall;
import tech.onceonly.ai.AgentToolGovernance;
import tech.onceonly.ai.AgentToolGovernor;
import tech.onceonly.ai.AgentToolGovernors;
import tech.onceonly.ai.DefaultAgentIdResolver;
import tech.onceonly.ai.ToolArguments;
import tech.onceonly.client.AgentDisabledException;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.ToolBlockedException;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.annotation.GovernedTool;
import tech.onceonly.spring.aop.GovernedToolAdvisor;
import tech.onceonly.spring.aop.GovernedToolInterceptor;
import tech.onceonly.store.memory.InMemoryGovernanceStore;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * In-process governance decisions ({@code @GovernedTool}, and Spring AI / LangChain4j
 * tools through {@link AgentToolGovernance}) count in
 * {@code onceonly.governance.decisions} when the client is observed, like {@code runTool}
 * calls.
 */
class GovernanceDecisionMetersTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final LocalOnceOnly engine = LocalOnceOnly.builder(new InMemoryStore())
		.governanceStore(new InMemoryGovernanceStore())
		.build();

	private final OnceOnly client = new ObservedOnceOnly(this.engine, ObservationRegistry.create(), null,
			new OnceOnlyMeters(this.meters, true, 10));

	private final JsonMapper json = JsonMapper.builder().build();

	private final AgentToolGovernor governor = AgentToolGovernors.forClient(this.client, new ToolArguments(this.json),
			Set.of(), AgentToolGovernors.DEFAULT_REMOTE_DEDUP_WINDOW);

	@AfterEach
	void close() {
		this.engine.close();
	}

	@Test
	void governedToolDecisionsShouldBeCounted() {
		Tools tools = proxy(new Tools());
		tools.send("billing", "hello");
		tools.send("billing", "hello");
		this.client.gov().upsertPolicy("billing", Map.of("blocked_tools", List.of("send")));
		assertThatExceptionOfType(ToolBlockedException.class).isThrownBy(() -> tools.send("billing", "other"));
		this.client.gov().disableAgent("billing", null);
		assertThatExceptionOfType(AgentDisabledException.class).isThrownBy(() -> tools.send("billing", "third"));
		assertThat(count("executed", "ok")).isEqualTo(1.0);
		assertThat(count("dedup", "tool_idempotency")).isEqualTo(1.0);
		assertThat(count("blocked", "tool_explicitly_blocked")).isEqualTo(1.0);
		assertThat(count("blocked", "agent_disabled")).isEqualTo(1.0);
		assertThat(this.meters.get(OnceOnlyMeters.GOVERNANCE_DECISIONS).tag("agent", "billing").counters()).hasSize(4);
	}

	@Test
	void failingGovernedToolShouldCountAsToolError() {
		Tools tools = proxy(new Tools());
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> tools.fail("billing"));
		assertThat(count("executed", "tool_error")).isEqualTo(1.0);
	}

	@Test
	void frameworkToolCallsGovernedInProcessShouldBeCounted() {
		AgentToolGovernance governance = new AgentToolGovernance(this.governor, new DefaultAgentIdResolver(null, true),
				new ToolArguments(this.json), true, false);
		AgentCallContext context = new AgentCallContext("lookup", Map.of(AgentIdResolver.AGENT_ID_KEY, "assistant"),
				null);
		AtomicInteger runs = new AtomicInteger();
		assertThat(governance.call("{\"q\":1}", context, () -> "answer " + runs.incrementAndGet()))
			.isEqualTo("answer 1");
		assertThat(governance.call("{\"q\":1}", context, () -> "answer " + runs.incrementAndGet()))
			.isEqualTo("answer 1");
		assertThat(count("executed", "ok")).isEqualTo(1.0);
		assertThat(count("dedup", "tool_idempotency")).isEqualTo(1.0);
	}

	@Test
	void unobservedClientShouldCountNothing() {
		AgentToolGovernor plain = AgentToolGovernors.forClient(this.engine, new ToolArguments(this.json), Set.of(),
				AgentToolGovernors.DEFAULT_REMOTE_DEDUP_WINDOW);
		plain.govern(AgentToolCall.of("billing", "send", Map.of("m", "x")), () -> "sent");
		assertThat(this.meters.find(OnceOnlyMeters.GOVERNANCE_DECISIONS).counters()).isEmpty();
	}

	private double count(String decision, String reason) {
		return this.meters.get(OnceOnlyMeters.GOVERNANCE_DECISIONS)
			.tag("decision", decision)
			.tag("reason", reason)
			.counter()
			.count();
	}

	private Tools proxy(Tools tools) {
		ProxyFactory factory = new ProxyFactory(tools);
		factory.setProxyTargetClass(true);
		factory.addAdvisor(new GovernedToolAdvisor(new GovernedToolInterceptor(this.governor, this.json)));
		return (Tools) factory.getProxy();
	}

	public static class Tools {

		@GovernedTool(agent = "#{#agent}", tool = "send")
		public String send(String agent, String message) {
			return "sent " + message;
		}

		@GovernedTool(agent = "#{#agent}", tool = "fail")
		public String fail(String agent) {
			throw new IllegalStateException("boom");
		}

	}

}
