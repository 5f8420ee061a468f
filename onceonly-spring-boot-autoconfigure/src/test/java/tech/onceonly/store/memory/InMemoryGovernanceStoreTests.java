package tech.onceonly.store.memory;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import tech.onceonly.store.AbstractGovernanceStoreContractTests;
import tech.onceonly.store.AuditRecord;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.GovernanceTestClock;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryGovernanceStoreTests extends AbstractGovernanceStoreContractTests {

	@Override
	protected GovernanceStore createStore(GovernanceTestClock clock) {
		return new InMemoryGovernanceStore(clock);
	}

	@Test
	void auditAndEventsShouldStayWithinTheirRowBounds() {
		InMemoryGovernanceStore small = new InMemoryGovernanceStore(this.clock, Duration.ofDays(7), 3, 4);
		for (int i = 0; i < 10; i++) {
			small.appendAudit(new AuditRecord(small.now(), "a", "t" + i, "executed", "ok", "low", "h", 0, null));
			small.appendEvent("r" + (i % 2), "{}");
		}
		assertThat(small.listAudit("a", 100)).extracting(AuditRecord::tool).containsExactly("t9", "t8", "t7");
		assertThat(small.listRecentEvents(100, 0)).hasSize(4);
		assertThat(small.countRunEvents("r0") + small.countRunEvents("r1")).isEqualTo(4);
	}

}
