package tech.onceonly.ai.langchain4j;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.invocation.InvocationParameters;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tech.onceonly.ai.AgentIdResolver;
import tech.onceonly.ai.AiTestFixture;
import tech.onceonly.client.AgentDisabledException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class GovernedToolExecutorTests {

	private final AiTestFixture fixture = new AiTestFixture();

	private final PaymentTools tools = new PaymentTools(this.fixture);

	@AfterEach
	void close() {
		this.fixture.close();
	}

	interface Agent {

		String chat(@UserMessage String message, InvocationParameters parameters);

	}

	@Test
	void repeatedToolCallWithNewCallIdsShouldRunOnceAndReplayTheResult() {
		ScriptedLangChain4jModel model = new ScriptedLangChain4jModel()
			.toolCall("call-1", "charge", "{\"orderId\":\"o-1\",\"amount\":5}")
			.toolCall("call-2", "charge", "{\"amount\":5,\"orderId\":\"o-1\"}")
			.toolCall("call-3", "charge", "{\"orderId\":\"o-1\",\"amount\":5}")
			.answer("done");

		assertThat(agent(model).chat("charge", asAgent())).isEqualTo("done");
		assertThat(this.tools.charges).hasValue(1);
		assertThat(model.toolResults).hasSize(3).containsOnly("charged o-1: 5 (#1)");
	}

	@Test
	void blockedToolShouldAnswerTheModelWithTheReasonCode() {
		this.fixture.once.gov().upsertPolicy("billing-bot", Map.of("blocked_tools", List.of("charge")));
		ScriptedLangChain4jModel model = new ScriptedLangChain4jModel()
			.toolCall("call-1", "charge", "{\"orderId\":\"o-1\",\"amount\":5}")
			.answer("could not charge");

		assertThat(agent(model).chat("charge", asAgent())).isEqualTo("could not charge");
		assertThat(this.tools.charges).hasValue(0);
		assertThat(model.toolResults).containsExactly("Tool 'charge' was blocked by policy: tool_explicitly_blocked");
	}

	@Test
	void killSwitchSetBetweenTurnsShouldAbortTheService() {
		ScriptedLangChain4jModel model = new ScriptedLangChain4jModel()
			.toolCall("call-1", "charge", "{\"orderId\":\"o-1\",\"amount\":5}")
			.answer("first done")
			.toolCall("call-2", "charge", "{\"orderId\":\"o-2\",\"amount\":7}")
			.answer("never reached");
		Agent agent = agent(model);
		assertThat(agent.chat("charge", asAgent())).isEqualTo("first done");

		this.fixture.once.gov().disableAgent("billing-bot", "runaway");

		assertThatExceptionOfType(AgentDisabledException.class).isThrownBy(() -> agent.chat("again", asAgent()));
		assertThat(this.tools.charges).hasValue(1);
		assertThat(model.toolResults).containsExactly("charged o-1: 5 (#1)");
	}

	@Test
	void killSwitchSetByTheToolShouldAbortTheLoop() {
		this.tools.disableAfterCharge = true;
		ScriptedLangChain4jModel model = new ScriptedLangChain4jModel()
			.toolCall("call-1", "charge", "{\"orderId\":\"o-1\",\"amount\":5}")
			.toolCall("call-2", "charge", "{\"orderId\":\"o-2\",\"amount\":7}")
			.answer("never reached");

		assertThatExceptionOfType(AgentDisabledException.class).isThrownBy(() -> agent(model).chat("go", asAgent()));
		assertThat(this.tools.charges).hasValue(1);
	}

	@Test
	void budgetExhaustedPartWayShouldBlockLaterCalls() {
		this.fixture.once.gov()
			.upsertPolicy("billing-bot", Map.of("max_spend_usd_per_day", 1, "pricing_rules",
					List.of(Map.of("tool", "charge", "price_usd", 0.4))));
		ScriptedLangChain4jModel model = new ScriptedLangChain4jModel()
			.toolCall("call-1", "charge", "{\"orderId\":\"o-1\",\"amount\":1}")
			.toolCall("call-2", "charge", "{\"orderId\":\"o-2\",\"amount\":2}")
			.toolCall("call-3", "charge", "{\"orderId\":\"o-3\",\"amount\":3}")
			.answer("done");

		agent(model).chat("charge", asAgent());

		assertThat(this.tools.charges).hasValue(2);
		assertThat(model.toolResults).containsExactly("charged o-1: 1 (#1)", "charged o-2: 2 (#2)",
				"Tool 'charge' was blocked by policy: max_spend_usd_per_day_exceeded");
	}

	@Test
	void governedToolProviderShouldGovernEveryProvidedExecutor() {
		Map<ToolSpecification, ToolExecutor> plain = GovernedToolExecutors.wrap(this.fixture.governance, Map.of());
		assertThat(plain).isEmpty();
		ToolProvider provider = (request) -> ToolProviderResult.builder()
			.addAll(dev.langchain4j.service.tool.ToolService.findTools(this.tools))
			.build();
		ScriptedLangChain4jModel model = new ScriptedLangChain4jModel()
			.toolCall("a", "charge", "{\"orderId\":\"o-1\",\"amount\":5}")
			.toolCall("b", "charge", "{\"orderId\":\"o-1\",\"amount\":5}")
			.answer("done");
		Agent agent = AiServices.builder(Agent.class)
			.chatModel(model)
			.toolProvider(new GovernedToolProvider(provider, this.fixture.governance))
			.toolExecutionErrorHandler(new GovernedToolErrorHandler())
			.build();

		assertThat(agent.chat("charge", asAgent())).isEqualTo("done");
		assertThat(this.tools.charges).hasValue(1);
		assertThat(model.toolResults).containsExactly("charged o-1: 5 (#1)", "charged o-1: 5 (#1)");
	}

	@Test
	void legacyExecuteShouldBeGovernedWithTheMemoryIdAsAgent() {
		ToolExecutor executor = GovernedToolExecutors.from(this.fixture.governance, this.tools)
			.values()
			.iterator()
			.next();
		ToolExecutionRequest request = ToolExecutionRequest.builder()
			.id("x")
			.name("charge")
			.arguments("{\"orderId\":\"o-1\",\"amount\":5}")
			.build();

		assertThat(executor.execute(request, "billing-bot")).isEqualTo("charged o-1: 5 (#1)");
		assertThat(executor.execute(request.toBuilder().id("y").build(), "billing-bot"))
			.isEqualTo("charged o-1: 5 (#1)");
		assertThat(this.tools.charges).hasValue(1);
	}

	private Agent agent(ScriptedLangChain4jModel model) {
		return AiServices.builder(Agent.class)
			.chatModel(model)
			.tools(GovernedToolExecutors.from(this.fixture.governance, this.tools))
			.toolExecutionErrorHandler(new GovernedToolErrorHandler())
			.build();
	}

	private static InvocationParameters asAgent() {
		return InvocationParameters.from(AgentIdResolver.AGENT_ID_KEY, "billing-bot");
	}

	static class PaymentTools {

		final AtomicInteger charges = new AtomicInteger();

		private final AiTestFixture fixture;

		boolean disableAfterCharge;

		PaymentTools(AiTestFixture fixture) {
			this.fixture = fixture;
		}

		@Tool("Charges an order")
		String charge(@P("the order") String orderId, @P("the amount") int amount) {
			int n = this.charges.incrementAndGet();
			if (this.disableAfterCharge) {
				this.fixture.once.gov().disableAgent("billing-bot", "runaway");
			}
			return "charged " + orderId + ": " + amount + " (#" + n + ")";
		}

	}

}
