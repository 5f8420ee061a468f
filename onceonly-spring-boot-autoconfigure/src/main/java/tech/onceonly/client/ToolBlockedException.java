package tech.onceonly.client;

/**
 * A governed tool call was not executed: governance blocked it ({@code decision=blocked}
 * with the {@code policy_reason}), or an identical call is still in flight ({@code dedup}
 * / {@code tool_idempotency}). It is an ordinary outcome an agent may report to its
 * model; a disabled agent raises {@link AgentDisabledException} instead.
 */
public class ToolBlockedException extends OnceOnlyException {

	private static final long serialVersionUID = 1L;

	private final String agentId;

	private final String tool;

	private final String decision;

	private final String policyReason;

	public ToolBlockedException(String agentId, String tool, String decision, String policyReason) {
		super("Tool '" + tool + "' of agent '" + agentId + "' was not executed: " + decision + " (" + policyReason
				+ ")");
		this.agentId = agentId;
		this.tool = tool;
		this.decision = decision;
		this.policyReason = policyReason;
	}

	/** The agent. */
	public String getAgentId() {
		return this.agentId;
	}

	/** The tool. */
	public String getTool() {
		return this.tool;
	}

	/** The decision: {@code blocked} or {@code dedup}. */
	public String getDecision() {
		return this.decision;
	}

	/** The reason code, e.g. {@code max_spend_usd_per_day_exceeded}. */
	public String getPolicyReason() {
		return this.policyReason;
	}

}
