package tech.onceonly.client;

/**
 * The agent is disabled (kill switch): its call was blocked with {@code agent_disabled}.
 * This aborts the agent's loop; it is deliberately not a {@link ToolBlockedException}, so
 * code that turns blocked calls into messages for the model does not swallow it.
 */
public class AgentDisabledException extends OnceOnlyException {

	private static final long serialVersionUID = 1L;

	private final String agentId;

	private final String tool;

	public AgentDisabledException(String agentId, String tool) {
		super("Agent '" + agentId + "' is disabled (kill switch); its call to '" + tool + "' was blocked");
		this.agentId = agentId;
		this.tool = tool;
	}

	/** The disabled agent. */
	public String getAgentId() {
		return this.agentId;
	}

	/** The tool it tried to call. */
	public String getTool() {
		return this.tool;
	}

	/** Always {@code agent_disabled}. */
	public String getPolicyReason() {
		return "agent_disabled";
	}

}
