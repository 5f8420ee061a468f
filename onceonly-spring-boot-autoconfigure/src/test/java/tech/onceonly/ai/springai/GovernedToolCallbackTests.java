package tech.onceonly.ai.springai;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.annotation.Tool;

import io.micrometer.observation.ObservationRegistry;

import tech.onceonly.ai.AgentIdResolver;
import tech.onceonly.ai.AiTestFixture;
import tech.onceonly.ai.MissingAgentIdException;
import tech.onceonly.client.AgentDisabledException;
import tech.onceonly.client.AgentLogItem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class GovernedToolCallbackTests {

	private static final Map<String, Object> AGENT = Map.of(AgentIdResolver.AGENT_ID_KEY, "billing-bot");

	private final AiTestFixture fixture = new AiTestFixture();

	private final PaymentTools tools = new PaymentTools(this.fixture);

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void repeatedToolCallWithNewCallIdsShouldRunOnceAndReplayTheResult() {
		ScriptedChatModel model = new ScriptedChatModel()
			.toolCall("call-1", "charge", "{\"orderId\":\"o-1\",\"amount\":5}")
			.toolCall("call-2", "charge", "{\"amount\":5,\"orderId\":\"o-1\"}")
			.toolCall("call-3", "charge", "{\"orderId\":\"o-1\",\"amount\":5}")
			.answer("done");

		String answer = chat(model, GovernedToolCallbacks.from(this.fixture.governance, this.tools));

		assertThat(answer).isEqualTo("done");
		assertThat(this.tools.charges).hasValue(1);
		assertThat(model.toolResponses).hasSize(3).containsOnly("\"charged o-1: 5 (#1)\"");
		assertThat(this.fixture.once.gov().agentLogs("billing-bot", 10)).extracting(AgentLogItem::decision)
			.containsExactly("dedup", "dedup", "executed");
	}

	@Test
	void blockedToolShouldAnswerTheModelWithTheReasonCode() {
		this.fixture.once.gov().upsertPolicy("billing-bot", Map.of("blocked_tools", List.of("charge")));
		ScriptedChatModel model = new ScriptedChatModel()
			.toolCall("call-1", "charge", "{\"orderId\":\"o-1\",\"amount\":5}")
			.answer("could not charge");

		String answer = chat(model, GovernedToolCallbacks.from(this.fixture.governance, this.tools));

		assertThat(answer).isEqualTo("could not charge");
		assertThat(this.tools.charges).hasValue(0);
		assertThat(model.toolResponses).containsExactly("Tool 'charge' was blocked by policy: tool_explicitly_blocked");
	}

	@Test
	void killSwitchSetByTheToolShouldAbortTheLoop() {
		this.tools.disableAfterCharge = true;
		ScriptedChatModel model = new ScriptedChatModel()
			.toolCall("call-1", "charge", "{\"orderId\":\"o-1\",\"amount\":5}")
			.toolCall("call-2", "charge", "{\"orderId\":\"o-2\",\"amount\":7}")
			.answer("never reached");

		assertThatExceptionOfType(AgentDisabledException.class)
			.isThrownBy(() -> chat(model, GovernedToolCallbacks.from(this.fixture.governance, this.tools)))
			.satisfies((ex) -> assertThat(ex.getAgentId()).isEqualTo("billing-bot"));
		assertThat(this.tools.charges).hasValue(1);
		assertThat(model.toolResponses).containsExactly("\"charged o-1: 5 (#1)\"");
	}

	@Test
	void budgetExhaustedPartWayShouldBlockLaterCalls() {
		this.fixture.once.gov()
			.upsertPolicy("billing-bot", Map.of("max_spend_usd_per_day", 1, "pricing_rules",
					List.of(Map.of("tool", "charge", "price_usd", 0.4))));
		ScriptedChatModel model = new ScriptedChatModel()
			.toolCall("call-1", "charge", "{\"orderId\":\"o-1\",\"amount\":1}")
			.toolCall("call-2", "charge", "{\"orderId\":\"o-2\",\"amount\":2}")
			.toolCall("call-3", "charge", "{\"orderId\":\"o-3\",\"amount\":3}")
			.answer("done");

		chat(model, GovernedToolCallbacks.from(this.fixture.governance, this.tools));

		assertThat(this.tools.charges).hasValue(2);
		assertThat(model.toolResponses).containsExactly("\"charged o-1: 1 (#1)\"", "\"charged o-2: 2 (#2)\"",
				"Tool 'charge' was blocked by policy: max_spend_usd_per_day_exceeded");
	}

	@Test
	void toolCallingManagerDecoratorShouldGovernCallbacksOfThePrompt() {
		ToolCallingManager manager = new GovernedToolCallingManager(ToolCallingManager.builder().build(),
				this.fixture.governance);
		ScriptedChatModel model = new ScriptedChatModel().toolCall("a", "charge", "{\"orderId\":\"o-1\",\"amount\":5}")
			.toolCall("b", "charge", "{\"orderId\":\"o-1\",\"amount\":5}")
			.answer("done");
		ChatClient client = ChatClient
			.builder(model, ObservationRegistry.NOOP, null, null,
					ToolCallingAdvisor.builder().toolCallingManager(manager))
			.build();

		String answer = client.prompt("charge").tools(this.tools).toolContext(AGENT).call().content();

		assertThat(answer).isEqualTo("done");
		assertThat(this.tools.charges).hasValue(1);
		assertThat(model.toolResponses).containsExactly("\"charged o-1: 5 (#1)\"", "\"charged o-1: 5 (#1)\"");
	}

	@Test
	void callWithoutAgentIdShouldFailClosed() {
		ToolCallback callback = GovernedToolCallbacks.from(this.fixture.governance, this.tools)[0];

		assertThatExceptionOfType(MissingAgentIdException.class)
			.isThrownBy(() -> callback.call("{\"orderId\":\"o-1\",\"amount\":5}", new ToolContext(Map.of())))
			.withMessageContaining("onceonly.agent_id");
		assertThat(this.tools.charges).hasValue(0);
	}

	@Test
	void wrapperShouldDelegateDefinitionAndKeepTheToolContext() {
		ToolCallback plain = org.springframework.ai.support.ToolCallbacks.from(this.tools)[0];
		ToolCallback governed = GovernedToolCallbacks.wrap(this.fixture.governance, plain);

		assertThat(governed.getToolDefinition()).isSameAs(plain.getToolDefinition());
		assertThat(governed.getToolMetadata()).isSameAs(plain.getToolMetadata());
		assertThat(GovernedToolCallbacks.wrap(this.fixture.governance, governed)).isSameAs(governed);
		assertThat(governed.call("{\"orderId\":\"o-9\",\"amount\":1}",
				new ToolContext(Map.of(AgentIdResolver.AGENT_ID_KEY, "billing-bot", "tenant", "t-1"))))
			.isEqualTo("\"charged o-9: 1 (#1) for t-1\"");
	}

	private String chat(ScriptedChatModel model, ToolCallback[] callbacks) {
		return ChatClient.create(model).prompt("charge").toolCallbacks(callbacks).toolContext(AGENT).call().content();
	}

	static class PaymentTools {

		final AtomicInteger charges = new AtomicInteger();

		private final AiTestFixture fixture;

		boolean disableAfterCharge;

		PaymentTools(AiTestFixture fixture) {
			this.fixture = fixture;
		}

		@Tool(description = "Charges an order")
		String charge(String orderId, int amount, ToolContext context) {
			int n = this.charges.incrementAndGet();
			if (this.disableAfterCharge) {
				this.fixture.once.gov().disableAgent("billing-bot", "runaway");
			}
			Object tenant = context.getContext().get("tenant");
			return "charged " + orderId + ": " + amount + " (#" + n + ")" + ((tenant != null) ? " for " + tenant : "");
		}

	}

}
