package tech.onceonly.ai;

import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

/**
 * A local engine on an in-memory store and a mutable clock, with the governance front the
 * adapters use.
 */
public final class AiTestFixture implements AutoCloseable {

	public final MutableClock clock = MutableClock.startingAt2026();

	public final LocalOnceOnly once = LocalOnceOnly.builder(new InMemoryStore(this.clock)).build();

	public final ToolArguments arguments = new ToolArguments(JsonMapper.builder().build());

	public final AgentToolGovernance governance = new AgentToolGovernance(
			new LocalAgentToolGovernor(this.once.backend().localOperations().orElseThrow(), this.arguments),
			new DefaultAgentIdResolver(null, true), this.arguments, true, false);

	@Override
	public void close() {
		this.once.close();
	}

}
