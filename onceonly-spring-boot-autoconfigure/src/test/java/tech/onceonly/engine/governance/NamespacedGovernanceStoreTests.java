package tech.onceonly.engine.governance;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import tech.onceonly.client.ValidationException;
import tech.onceonly.store.EventRecord;
import tech.onceonly.store.GovernanceTestClock;
import tech.onceonly.store.ToolRecord;
import tech.onceonly.store.memory.InMemoryGovernanceStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The namespaced view of a shared governance store: prefixed keys, stripped answers,
 * filtered lists.
 */
class NamespacedGovernanceStoreTests {

	private final InMemoryGovernanceStore shared = new InMemoryGovernanceStore(
			new GovernanceTestClock(Instant.parse("2026-03-10T10:15:00Z")));

	private final NamespacedGovernanceStore a = new NamespacedGovernanceStore(this.shared, "t:a:");

	private final NamespacedGovernanceStore b = new NamespacedGovernanceStore(this.shared, "t:b:");

	@Test
	void idsShouldBePrefixedInTheSharedStoreAndStrippedInAnswers() {
		assertThat(this.a.putPolicy("agent", "{}").agentId()).isEqualTo("agent");
		assertThat(this.shared.getPolicy("t:a:agent")).isNotNull();
		assertThat(this.shared.getPolicy("agent")).isNull();
		assertThat(this.a.setAgentEnabled("agent", false, "why").agentId()).isEqualTo("agent");
		assertThat(this.shared.getAgent("t:a:agent").enabled()).isFalse();
		assertThat(this.b.getAgent("agent").enabled()).isTrue();
		Instant now = this.shared.now();
		ToolRecord tool = this.a.putTool(new ToolRecord("agent:x", "crm", "https://x", "hmac_sha256", "secret-1", 1000,
				0, true, null, null, now, now));
		assertThat(tool.scopeId()).isEqualTo("agent:x");
		assertThat(this.shared.getTool("t:a:agent:x", "crm")).isNotNull();
		assertThat(this.b.getTool("agent:x", "crm")).isNull();
		assertThat(this.a.appendEvent("run", "{}").runId()).isEqualTo("run");
		assertThat(this.shared.countRunEvents("t:a:run")).isEqualTo(1);
	}

	@Test
	void recentEventsShouldBeOnlyTheNamespacesAcrossManyPagesOfOthers() {
		this.a.appendEvent("first", "{}");
		for (int i = 0; i < 1200; i++) {
			this.b.appendEvent("b-" + i, "{}");
			if (i == 700) {
				this.a.appendEvent("second", "{}");
			}
		}
		this.a.appendEvent("third", "{}");
		assertThat(this.a.listRecentEvents(10, 0)).extracting(EventRecord::runId)
			.containsExactly("third", "second", "first");
		assertThat(this.a.listRecentEvents(1, 1)).extracting(EventRecord::runId).containsExactly("second");
		assertThat(this.a.listRecentEvents(5, 3)).isEmpty();
		List<EventRecord> recentB = this.b.listRecentEvents(2, 0);
		assertThat(recentB).extracting(EventRecord::runId).containsExactly("b-1199", "b-1198");
	}

	@Test
	void idsTooLongWithTheNamespaceShouldBeRefused() {
		assertThatExceptionOfType(ValidationException.class)
			.isThrownBy(() -> this.a.putPolicy("x".repeat(NamespacedGovernanceStore.MAX_AGENT_ID), "{}"))
			.withMessageContaining("agent_id is too long");
		assertThat(this.a.putPolicy("x".repeat(NamespacedGovernanceStore.MAX_AGENT_ID - 4), "{}")).isNotNull();
	}

	@Test
	void emptyNamespaceShouldBeRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new NamespacedGovernanceStore(this.shared, ""));
	}

}
