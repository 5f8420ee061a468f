package tech.onceonly.engine;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.LocalOperations;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.engine.governance.ToolCallOutcome;
import tech.onceonly.store.LockRecord;
import tech.onceonly.store.OnceOnlyStore;

/**
 * The {@link LocalOperations} of a {@link LocalOnceOnly}: the engine's answer to
 * {@code backend().localOperations()}.
 */
final class LocalEngineOperations implements LocalOperations {

	private final LocalOnceOnly engine;

	LocalEngineOperations(LocalOnceOnly engine) {
		this.engine = engine;
	}

	@Override
	public void probeStore(String probeKey) {
		OnceOnlyStore store = this.engine.store();
		store.now();
		store.getLock(this.engine.storedKey(probeKey));
	}

	@Override
	public Optional<LockEntry> readLock(String key) {
		LockRecord record = this.engine.store().getLock(this.engine.storedKey(key));
		return (record != null) ? Optional.of(new LockEntry(key, record.firstSeenAt(), record.expiresAt()))
				: Optional.empty();
	}

	@Override
	public boolean releaseLock(String key) {
		return this.engine.releaseLock(key);
	}

	@Override
	public boolean deleteLease(String key) {
		return this.engine.deleteLease(key);
	}

	@Override
	public boolean agentEnabled(String agentId) {
		return this.engine.governance().store().getAgent(agentId).enabled();
	}

	@Override
	public GovernedCall callTool(ToolCallRequest call, @Nullable String riskLevel, InProcessTool tool) {
		ToolCallOutcome outcome = this.engine.governance().call(call, (invocation) -> tool.run(), riskLevel);
		return new GovernedCall(outcome.result(), outcome.executed(), outcome.value(), outcome.error());
	}

}
