package tech.onceonly.client;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A timeline event of a run ({@code POST /events}). {@code extra} is merged into the top
 * level last.
 *
 * @param runId the run, required
 * @param type the event type, required ({@code run_started}, {@code tool_call},
 * {@code tool_result}, …)
 * @param ts epoch seconds
 * @param status the event status
 * @param durationMs the duration in milliseconds
 * @param step the step
 * @param tool the tool
 * @param reqId the request id
 * @param leaseId the lease id
 * @param agentId the agent
 * @param message a message
 * @param data structured data
 * @param extra more top-level fields
 */
public record RunEvent(String runId, String type, @Nullable Long ts, @Nullable String status, @Nullable Long durationMs,
		@Nullable String step, @Nullable String tool, @Nullable String reqId, @Nullable String leaseId,
		@Nullable String agentId, @Nullable String message, @Nullable Map<String, Object> data,
		@Nullable Map<String, Object> extra) {

	/** An event with only its run and type. */
	public static RunEvent of(String runId, String type) {
		return new RunEvent(runId, type, null, null, null, null, null, null, null, null, null, null, null);
	}

	/** The wire body: optional fields left out, {@code extra} merged last. */
	public Map<String, Object> toWire() {
		java.util.LinkedHashMap<String, Object> body = new java.util.LinkedHashMap<>();
		body.put("run_id", this.runId);
		body.put("type", this.type);
		putIf(body, "ts", this.ts);
		putIf(body, "status", this.status);
		putIf(body, "duration_ms", this.durationMs);
		putIf(body, "step", this.step);
		putIf(body, "tool", this.tool);
		putIf(body, "req_id", this.reqId);
		putIf(body, "lease_id", this.leaseId);
		putIf(body, "agent_id", this.agentId);
		putIf(body, "message", this.message);
		putIf(body, "data", this.data);
		if (this.extra != null) {
			this.extra.forEach((k, v) -> putIf(body, k, v));
		}
		return body;
	}

	private static void putIf(Map<String, Object> body, String key, @Nullable Object value) {
		if (value != null) {
			body.put(key, value);
		}
	}

}
