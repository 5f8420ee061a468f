package tech.onceonly.ai;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One tool call an agent's model asked for, as the governor sees it. The model's
 * tool-call id is deliberately absent: it changes on every retry, so it can never
 * identify a repeated call.
 *
 * @param agentId the calling agent
 * @param tool the tool name
 * @param arguments the arguments as a JSON object
 * @param runId the run or conversation the call belongs to, part of the dedup key when
 * present
 * @param spendUsd the spend of this call, exact; when absent the policy's pricing rules
 * apply
 * @param riskLevel {@code low}, {@code medium} or {@code high}; {@code null} for the
 * default of the tool's name
 */
public record AgentToolCall(String agentId, String tool, Map<String, Object> arguments, @Nullable String runId,
		@Nullable BigDecimal spendUsd, @Nullable String riskLevel) {

	public AgentToolCall {
		Objects.requireNonNull(agentId, "agentId");
		Objects.requireNonNull(tool, "tool");
		arguments = Map.copyOf(arguments);
	}

	/** A call without run id, spend or risk level. */
	public static AgentToolCall of(String agentId, String tool, Map<String, Object> arguments) {
		return new AgentToolCall(agentId, tool, arguments, null, null, null);
	}

}
