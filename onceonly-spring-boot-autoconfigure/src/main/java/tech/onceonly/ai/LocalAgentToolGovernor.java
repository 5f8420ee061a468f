package tech.onceonly.ai;

import java.lang.reflect.UndeclaredThrowableException;
import java.util.Objects;

import tech.onceonly.client.AgentDisabledException;
import tech.onceonly.client.LocalOperations;
import tech.onceonly.client.LocalOperations.GovernedCall;
import tech.onceonly.client.ToolCallRequest;

/**
 * An {@link AgentToolGovernor} on the local engine's governance pipeline, reached through
 * {@code client.backend().localOperations()}: the full pipeline (kill switch, lists,
 * limits and budget reserved atomically, dedup with result replay, audit) runs in-process
 * on the configured store, so it holds across every JVM sharing that store.
 * <p>
 * This is the one place where a pipeline answer becomes an {@link AgentToolOutcome}:
 * {@code @GovernedTool}, Spring AI and LangChain4j all read the outcome it returns.
 */
public final class LocalAgentToolGovernor implements AgentToolGovernor {

	private final LocalOperations engine;

	private final ToolArguments arguments;

	/**
	 * A governor.
	 * @param engine the local engine's operations, e.g.
	 * {@code client.backend().localOperations().orElseThrow()}
	 * @param arguments converts results
	 */
	public LocalAgentToolGovernor(LocalOperations engine, ToolArguments arguments) {
		this.engine = Objects.requireNonNull(engine, "engine");
		this.arguments = Objects.requireNonNull(arguments, "arguments");
	}

	@Override
	public AgentToolOutcome govern(AgentToolCall call, AgentToolExecution execution) {
		ToolCallRequest request = new ToolCallRequest(call.agentId(), call.tool(), call.arguments(), call.spendUsd(),
				call.runId());
		GovernedCall outcome = this.engine.callTool(request, call.riskLevel(), execution::execute);
		Throwable error = outcome.error();
		if (error != null) {
			throw rethrow(error);
		}
		String reason = outcome.policyReason();
		if ("blocked".equals(outcome.decision())) {
			if ("agent_disabled".equals(reason)) {
				throw new AgentDisabledException(call.agentId(), call.tool());
			}
			return AgentToolOutcome.blocked(call.tool(), reason);
		}
		if (outcome.executed()) {
			Object value = outcome.value();
			return new AgentToolOutcome(outcome.decision(), reason, this.arguments.textOf(value), true, value,
					outcome.storedResult(), true);
		}
		if (!outcome.result().ok()) {
			return AgentToolOutcome.unanswered(outcome.decision(), reason,
					GovernedToolMessages.inProgress(call.tool()));
		}
		return AgentToolOutcome.replayed(reason, this.arguments.toText(outcome.storedResult()), outcome.storedResult());
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
