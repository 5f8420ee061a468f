package tech.onceonly.engine.governance;

import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.GovernanceTestClock;
import tech.onceonly.store.memory.InMemoryGovernanceStore;

class InMemoryGovernanceEngineTests extends AbstractGovernanceEngineTests {

	@Override
	protected GovernanceStore createGovernanceStore(GovernanceTestClock clock) {
		return new InMemoryGovernanceStore(clock);
	}

}
