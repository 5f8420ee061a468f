package tech.onceonly.ai;

import tech.onceonly.client.OnceOnlyException;

/**
 * No agent id could be resolved for a tool call while
 * {@code onceonly.ai.require-agent-id} is on: the call is refused (fail-closed) and the
 * agent's loop stops.
 */
public class MissingAgentIdException extends OnceOnlyException {

	private static final long serialVersionUID = 1L;

	private final String tool;

	public MissingAgentIdException(String tool) {
		super("No agent id for the call to tool '" + tool + "': put '" + AgentIdResolver.AGENT_ID_KEY
				+ "' in the tool context, set onceonly.ai.default-agent-id, or declare an AgentIdResolver bean");
		this.tool = tool;
	}

	/** The tool that was called. */
	public String getTool() {
		return this.tool;
	}

}
