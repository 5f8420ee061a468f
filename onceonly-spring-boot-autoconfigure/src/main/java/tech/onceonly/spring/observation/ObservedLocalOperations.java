package tech.onceonly.spring.observation;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.LocalOperations;
import tech.onceonly.client.ToolCallRequest;

/**
 * The local engine's operations with every governed in-process tool call counted in
 * {@code onceonly.governance.decisions}, so {@code @GovernedTool} methods and Spring AI /
 * LangChain4j tools governed in process count like {@code runTool} calls do. A call
 * refused by the kill switch counts as {@code blocked}/{@code agent_disabled}, a failing
 * tool as {@code executed}/{@code tool_error}.
 */
final class ObservedLocalOperations implements LocalOperations {

	private final LocalOperations delegate;

	private final OnceOnlyMeters meters;

	ObservedLocalOperations(LocalOperations delegate, OnceOnlyMeters meters) {
		this.delegate = delegate;
		this.meters = meters;
	}

	@Override
	public void probeStore(String probeKey) {
		this.delegate.probeStore(probeKey);
	}

	@Override
	public Optional<LockEntry> readLock(String key) {
		return this.delegate.readLock(key);
	}

	@Override
	public boolean releaseLock(String key) {
		return this.delegate.releaseLock(key);
	}

	@Override
	public boolean deleteLease(String key) {
		return this.delegate.deleteLease(key);
	}

	@Override
	public boolean agentEnabled(String agentId) {
		return this.delegate.agentEnabled(agentId);
	}

	@Override
	public GovernedCall callTool(ToolCallRequest call, @Nullable String riskLevel, InProcessTool tool) {
		GovernedCall outcome = this.delegate.callTool(call, riskLevel, tool);
		this.meters.decision(call.agentId(), outcome.result());
		return outcome;
	}

}
