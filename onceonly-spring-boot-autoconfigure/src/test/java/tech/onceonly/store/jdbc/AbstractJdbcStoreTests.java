package tech.onceonly.store.jdbc;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import tech.onceonly.store.AbstractStoreConcurrencyTests;
import tech.onceonly.store.OnceOnlyStore;

import static org.assertj.core.api.Assertions.assertThat;

/** The store suites plus what only the JDBC store has: purging and the schema scripts. */
abstract class AbstractJdbcStoreTests extends AbstractStoreConcurrencyTests {

	@Override
	protected void setTimeOffset(OnceOnlyStore store, Duration offset) {
		((JdbcStore) store).setTimeOffset(offset);
	}

	@Test
	void purgeExpiredShouldDeleteOnlyRowsThatNoLongerMatter() {
		JdbcStore jdbc = (JdbcStore) this.store;
		String held = UUID.randomUUID().toString();
		this.store.tryLock(key("short"), Duration.ofSeconds(5), null);
		this.store.tryLock(key("long"), Duration.ofHours(1), null);
		this.store.acquireLease(key("held"), Duration.ofHours(1), held, null);
		String done = UUID.randomUUID().toString();
		this.store.acquireLease(key("done"), Duration.ofSeconds(5), done, null);
		this.store.completeLease(key("done"), done, "{}", null, Duration.ofMinutes(1));
		advanceTime(Duration.ofMinutes(2));
		assertThat(jdbc.purgeExpired()).isGreaterThanOrEqualTo(2);
		assertThat(this.store.getLock(key("long"))).isNotNull();
		assertThat(this.store.getLease(key("held")).leaseId()).isEqualTo(held);
		assertThat(this.store.getLease(key("done"))).isNull();
		assertThat(this.store.getLock(key("short"))).isNull();
	}

	@Test
	void schemaScriptShouldApplyTheTablePrefix() {
		assertThat(JdbcStore.schemaScript(JdbcStore.Platform.H2, "app_"))
			.contains("CREATE TABLE IF NOT EXISTS app_locks", "CREATE TABLE IF NOT EXISTS app_leases")
			.doesNotContain("onceonly_");
	}

}
