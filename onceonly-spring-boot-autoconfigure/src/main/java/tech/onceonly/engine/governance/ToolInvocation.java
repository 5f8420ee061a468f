package tech.onceonly.engine.governance;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A tool call the pipeline allowed, as a tool handler receives it.
 *
 * @param agentId the calling agent
 * @param tool the tool name
 * @param args the arguments (without {@code run_id})
 * @param runId the run the call belongs to, if any
 * @param idempotencyKey a stable key of this call (agent, tool and canonical arguments) a
 * tool can pass downstream
 */
public record ToolInvocation(String agentId, String tool, Map<String, Object> args, @Nullable String runId,
		String idempotencyKey) {
}
