package tech.onceonly.engine.governance;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.contract.AbstractGovernedToolContractTests;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.memory.InMemoryGovernanceStore;
import tech.onceonly.store.memory.InMemoryStore;

/** The {@code @GovernedTool} contract on the local engine with the in-memory stores. */
class InMemoryGovernedToolContractTests extends AbstractGovernedToolContractTests {

	@Override
	protected OnceOnly createClient() {
		return LocalOnceOnly.builder(new InMemoryStore()).governanceStore(new InMemoryGovernanceStore()).build();
	}

	@Override
	protected OnceOnly createUnreachableClient() {
		return LocalOnceOnly.builder(new InMemoryStore()).governanceStore(unreachableGovernanceStore()).build();
	}

}
