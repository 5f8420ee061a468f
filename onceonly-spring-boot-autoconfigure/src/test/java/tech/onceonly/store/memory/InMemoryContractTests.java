package tech.onceonly.store.memory;

import java.time.Duration;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.contract.AbstractFaultContractTests;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.FaultyStore;

/**
 * The backend contract, with store faults, on the local engine with the in-memory store.
 */
class InMemoryContractTests extends AbstractFaultContractTests {

	private final MutableClock clock = MutableClock.startingAt2026();

	private FaultyStore faults;

	@Override
	protected OnceOnly createClient() {
		this.faults = new FaultyStore(new InMemoryStore(this.clock));
		return LocalOnceOnly.builder(this.faults).leaseEvents(this.leaseEvents).build();
	}

	@Override
	protected FaultyStore faults() {
		return this.faults;
	}

	@Override
	protected void advanceTime(Duration duration) {
		this.clock.advance(duration);
	}

}
