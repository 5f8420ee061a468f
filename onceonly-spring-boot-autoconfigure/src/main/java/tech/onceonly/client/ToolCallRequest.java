package tech.onceonly.client;

import java.math.BigDecimal;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A governed tool call (tool-mode {@code POST /ai/run}).
 *
 * @param agentId the calling agent, required
 * @param tool the tool name, required
 * @param args the tool arguments (a JSON object)
 * @param spendUsd the spend of this call, exact; when absent the policy's pricing rules
 * apply
 * @param runId the run this call belongs to, sent as {@code args.run_id}
 */
public record ToolCallRequest(String agentId, String tool, @Nullable Map<String, Object> args,
		@Nullable BigDecimal spendUsd, @Nullable String runId) {

	/** A call without spend or run id. */
	public static ToolCallRequest of(String agentId, String tool, @Nullable Map<String, Object> args) {
		return new ToolCallRequest(agentId, tool, args, null, null);
	}

	/** This call with a spend. */
	public ToolCallRequest withSpend(@Nullable BigDecimal spend) {
		return new ToolCallRequest(this.agentId, this.tool, this.args, spend, this.runId);
	}

	/** This call within a run. */
	public ToolCallRequest withRunId(@Nullable String id) {
		return new ToolCallRequest(this.agentId, this.tool, this.args, this.spendUsd, id);
	}

}
