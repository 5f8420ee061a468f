package tech.onceonly.sample.agent;

import java.util.List;
import java.util.Map;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tech.onceonly.client.OnceOnly;

/** The demo agents' model and policies. */
@Configuration(proxyBeanMethods = false)
public class AgentConfiguration {

	/** The agent whose policy blocks refunds. */
	public static final String SUPPORT_AGENT = "support-agent";

	/** The agent whose policy caps spend at 1 USD a day, 0.25 USD a charge. */
	public static final String BUDGET_AGENT = "budget-agent";

	@Bean
	ChatModel scriptedAgentChatModel() {
		return new ScriptedAgentChatModel();
	}

	@Bean
	ApplicationRunner agentPolicy(OnceOnly onceOnly) {
		return (args) -> {
			onceOnly.gov().upsertPolicy(SUPPORT_AGENT, Map.of("blocked_tools", List.of("refund")));
			onceOnly.gov()
				.upsertPolicy(BUDGET_AGENT, Map.of("max_spend_usd_per_day", 1, "pricing_rules",
						List.of(Map.of("tool", "charge", "price_usd", 0.25))));
		};
	}

}
