package tech.onceonly.ai;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tech.onceonly.client.AgentDisabledException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The remote governor's logic, with the local engine standing in for the API (same client
 * contract).
 */
class RemoteAgentToolGovernorTests {

	private final AiTestFixture fixture = new AiTestFixture();

	private final AtomicInteger runs = new AtomicInteger();

	private final RemoteAgentToolGovernor governor = new RemoteAgentToolGovernor(this.fixture.once,
			this.fixture.arguments, Set.of("lookup"), Duration.ofHours(1));

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void inProcessToolShouldRunOnceForTheSameAgentToolAndArguments() {
		AgentToolOutcome first = this.governor.govern(call("charge", Map.of("amount", 5)), this::run);
		AgentToolOutcome second = this.governor.govern(call("charge", Map.of("amount", 5)), this::run);
		AgentToolOutcome other = this.governor.govern(call("charge", Map.of("amount", 6)), this::run);

		assertThat(first.executed()).isTrue();
		assertThat(second).extracting(AgentToolOutcome::decision, AgentToolOutcome::text)
			.containsExactly("dedup", "ran #1");
		assertThat(other.text()).isEqualTo("ran #2");
		assertThat(this.governor.key(call("charge", Map.of("amount", 5)))).startsWith("ai-tool:bot:charge:")
			.hasSize("ai-tool:bot:charge:".length() + 64);
	}

	@Test
	void inProcessToolShouldHonourTheListsOfThePolicy() {
		this.fixture.once.gov().upsertPolicy("bot", Map.of("blocked_tools", List.of("charge")));

		AgentToolOutcome outcome = this.governor.govern(call("charge", Map.of()), this::run);

		assertThat(outcome.text()).isEqualTo("Tool 'charge' was blocked by policy: tool_explicitly_blocked");
		assertThat(this.runs).hasValue(0);
	}

	@Test
	void registeredToolShouldGoThroughRunToolAndAbortWhenTheAgentIsDisabled() {
		this.fixture.once.governance().localTools().register("lookup", (invocation) -> "found " + invocation.args());
		assertThat(this.governor.govern(call("lookup", Map.of("q", "x")), this::run).text()).isEqualTo("found {q=x}");

		this.fixture.once.gov().disableAgent("bot", "stop");

		assertThatExceptionOfType(AgentDisabledException.class)
			.isThrownBy(() -> this.governor.govern(call("lookup", Map.of("q", "y")), this::run));
		assertThat(this.runs).hasValue(0);
	}

	private static AgentToolCall call(String tool, Map<String, Object> args) {
		return AgentToolCall.of("bot", tool, args);
	}

	private String run() {
		return "ran #" + this.runs.incrementAndGet();
	}

}
