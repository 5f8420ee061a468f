package tech.onceonly.ai;

/**
 * Governs one agent tool call through the OnceOnly pipeline: kill switch, allow and block
 * lists, limits and budget, dedup by agent, tool and canonical arguments, and only then
 * the real tool.
 * <p>
 * Outcomes: executed → the tool's result; blocked → a short message naming the tool and
 * the reason code; dedup → the first execution's result, the tool not run again. A
 * disabled agent (kill switch) raises {@link tech.onceonly.client.AgentDisabledException}
 * so the agent's loop stops instead of letting the model route around a message. A tool
 * that fails rethrows its own exception, so the framework handles it as usual.
 */
public interface AgentToolGovernor {

	/**
	 * Decides and, when allowed, runs the tool.
	 * @param call the call
	 * @param execution the real tool
	 * @return the outcome
	 * @throws tech.onceonly.client.AgentDisabledException when the agent is disabled
	 */
	AgentToolOutcome govern(AgentToolCall call, AgentToolExecution execution);

}
