package tech.onceonly.ai;

import org.jspecify.annotations.Nullable;

/**
 * Finds the agent a tool call acts for. Declare a bean to replace the default, which
 * reads {@value #AGENT_ID_KEY} from the tool context, then the conversation (memory) id,
 * then {@code onceonly.ai.default-agent-id}.
 */
@FunctionalInterface
public interface AgentIdResolver {

	/**
	 * The Spring AI {@code ToolContext} / LangChain4j {@code InvocationParameters} key
	 * holding the agent id.
	 */
	String AGENT_ID_KEY = "onceonly.agent_id";

	/**
	 * The key holding the run id: identical calls in different runs are different calls.
	 */
	String RUN_ID_KEY = "onceonly.run_id";

	/**
	 * The key holding an exact spend in USD for the call (a number or a decimal string).
	 */
	String SPEND_USD_KEY = "onceonly.spend_usd";

	/**
	 * The agent id.
	 * @param context the call's context
	 * @return the agent id, or {@code null} when unknown
	 */
	@Nullable String resolve(AgentCallContext context);

}
