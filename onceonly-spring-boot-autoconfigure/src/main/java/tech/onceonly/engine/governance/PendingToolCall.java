package tech.onceonly.engine.governance;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tech.onceonly.store.UsageRequest;

/**
 * A call that {@link ToolCallPipeline#decide} allowed to run: its action and spend are
 * reserved and its dedup claim held until {@link ToolCallPipeline#complete} or
 * {@link ToolCallPipeline#fail} records what the tool did.
 */
public final class PendingToolCall {

	private final String agentId;

	private final String tool;

	private final Map<String, Object> args;

	private final @Nullable String runId;

	private final String argsHash;

	private final String idempotencyKey;

	private final Instant decidedAt;

	private final String riskLevel;

	private final UsageRequest usage;

	private final @Nullable String leaseKey;

	private final @Nullable String leaseId;

	PendingToolCall(String agentId, String tool, Map<String, Object> args, @Nullable String runId, String argsHash,
			String idempotencyKey, Instant decidedAt, String riskLevel, UsageRequest usage, @Nullable String leaseKey,
			@Nullable String leaseId) {
		this.agentId = agentId;
		this.tool = tool;
		this.args = Map.copyOf(args);
		this.runId = runId;
		this.argsHash = argsHash;
		this.idempotencyKey = idempotencyKey;
		this.decidedAt = decidedAt;
		this.riskLevel = riskLevel;
		this.usage = usage;
		this.leaseKey = leaseKey;
		this.leaseId = leaseId;
	}

	/** The agent. */
	public String agentId() {
		return this.agentId;
	}

	/** The tool. */
	public String tool() {
		return this.tool;
	}

	/** The run id, if any. */
	public @Nullable String runId() {
		return this.runId;
	}

	/** The call's idempotency key (agent, tool and canonical arguments). */
	public String idempotencyKey() {
		return this.idempotencyKey;
	}

	/** The store time at which the call was decided. */
	public Instant decidedAt() {
		return this.decidedAt;
	}

	/** The risk level. */
	public String riskLevel() {
		return this.riskLevel;
	}

	/** The reservation made for the call. */
	public UsageRequest usage() {
		return this.usage;
	}

	@Nullable String leaseKey() {
		return this.leaseKey;
	}

	@Nullable String leaseId() {
		return this.leaseId;
	}

	ToolCallPipeline.Call call() {
		return new ToolCallPipeline.Call(this.agentId, this.tool, this.args, this.runId, this.argsHash,
				this.idempotencyKey, this.usage.spendMicros());
	}

	@Override
	public String toString() {
		return "PendingToolCall[agent=" + this.agentId + ", tool=" + this.tool + "]";
	}

}
