package tech.onceonly.store.memory;

import java.time.Duration;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.contract.AbstractOnceOnlyContractTests;
import tech.onceonly.engine.LocalOnceOnly;

/** The backend contract on the local engine with the in-memory store. */
class InMemoryContractTests extends AbstractOnceOnlyContractTests {

	private final MutableClock clock = MutableClock.startingAt2026();

	@Override
	protected OnceOnly createClient() {
		return new LocalOnceOnly(new InMemoryStore(this.clock));
	}

	@Override
	protected void advanceTime(Duration duration) {
		this.clock.advance(duration);
	}

}
