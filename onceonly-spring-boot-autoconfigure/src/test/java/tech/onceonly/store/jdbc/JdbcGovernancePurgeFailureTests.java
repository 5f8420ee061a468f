package tech.onceonly.store.jdbc;

import java.time.Instant;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import tech.onceonly.store.AuditRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Housekeeping never fails a write that is already committed: the periodic purge runs
 * after a write, and its failure is logged, not thrown to the writer.
 */
class JdbcGovernancePurgeFailureTests {

	private final HikariDataSource dataSource = JdbcGovernanceTestSupport.h2("onceonly-governance-purge-failure");

	@AfterEach
	void close() {
		this.dataSource.close();
	}

	@Test
	void aFailingPurgeShouldNotFailTheWritesThatTriggerIt() {
		JdbcGovernanceStore store = new JdbcGovernanceStore(this.dataSource);
		store.initializeSchema();
		// the purge deletes from the events table too: without it every purge fails
		new JdbcTemplate(this.dataSource).update("DROP TABLE " + JdbcStore.DEFAULT_TABLE_PREFIX + "gov_events");
		assertThatThrownBy(store::purge).hasMessageContaining("purge");
		Instant now = Instant.parse("2026-12-01T00:00:00Z");
		for (int i = 0; i < 2100; i++) {
			store.appendAudit(new AuditRecord(now, "agent-1", "tool", "executed", "ok", null, null, 0, null));
		}
		assertThat(store.listAudit("agent-1", 5000)).hasSize(2100);
	}

}
