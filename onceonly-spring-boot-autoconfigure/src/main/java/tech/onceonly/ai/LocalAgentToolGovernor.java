package tech.onceonly.ai;

import java.lang.reflect.UndeclaredThrowableException;
import java.util.Objects;

import tech.onceonly.client.AgentDisabledException;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.engine.governance.GovernanceEngine;
import tech.onceonly.engine.governance.ToolCallOutcome;

/**
 * An {@link AgentToolGovernor} on the local engine's {@link GovernanceEngine}: the full
 * pipeline (kill switch, lists, limits and budget reserved atomically, dedup with result
 * replay, audit) runs in-process on the configured store, so it holds across every JVM
 * sharing that store.
 */
public final class LocalAgentToolGovernor implements AgentToolGovernor {

	private final GovernanceEngine engine;

	private final ToolArguments arguments;

	/**
	 * A governor.
	 * @param engine the governance engine, e.g. {@code LocalOnceOnly.governance()}
	 * @param arguments converts results
	 */
	public LocalAgentToolGovernor(GovernanceEngine engine, ToolArguments arguments) {
		this.engine = Objects.requireNonNull(engine, "engine");
		this.arguments = Objects.requireNonNull(arguments, "arguments");
	}

	@Override
	public AgentToolOutcome govern(AgentToolCall call, AgentToolExecution execution) {
		ToolCallRequest request = new ToolCallRequest(call.agentId(), call.tool(), call.arguments(), call.spendUsd(),
				call.runId());
		ToolCallOutcome outcome = this.engine.call(request, (invocation) -> execution.execute(), call.riskLevel());
		Throwable error = outcome.error();
		if (error != null) {
			throw rethrow(error);
		}
		String reason = outcome.policyReason();
		if ("blocked".equals(outcome.decision())) {
			if ("agent_disabled".equals(reason)) {
				throw new AgentDisabledException(call.agentId(), call.tool());
			}
			return new AgentToolOutcome("blocked", reason, GovernedToolMessages.blocked(call.tool(), reason), false);
		}
		if (outcome.executed()) {
			Object value = outcome.value();
			return new AgentToolOutcome(outcome.decision(), reason, (value != null) ? value.toString() : "", true);
		}
		if (!outcome.result().ok()) {
			return new AgentToolOutcome(outcome.decision(), reason, GovernedToolMessages.inProgress(call.tool()),
					false);
		}
		return new AgentToolOutcome(outcome.decision(), reason, this.arguments.toText(outcome.result().result()),
				false);
	}

	private static RuntimeException rethrow(Throwable error) {
		if (error instanceof RuntimeException runtime) {
			return runtime;
		}
		if (error instanceof Error fatal) {
			throw fatal;
		}
		return new UndeclaredThrowableException(error);
	}

}
