package tech.onceonly.store.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import tech.onceonly.store.AuditRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The scheduled purge on a real database: bounded batches over every table, only the rows
 * that no longer matter, and one purger at a time across instances. Time moves with the
 * stores' time offset.
 */
abstract class AbstractJdbcPurgeTests {

	private static final int BATCH = 7;

	private DataSource dataSource;

	private String prefix;

	private JdbcTemplate jdbc;

	protected abstract DataSource dataSource();

	protected void close(DataSource dataSource) {
	}

	@BeforeEach
	void createTables() {
		this.dataSource = dataSource();
		this.prefix = "purge_" + UUID.randomUUID().toString().substring(0, 8) + "_";
		this.jdbc = new JdbcTemplate(this.dataSource);
		newStore(Duration.ZERO).initializeSchema();
	}

	@AfterEach
	void dropTables() {
		for (String table : List.of("locks", "leases", "gov_policies", "gov_agents", "gov_counters", "gov_audit",
				"gov_tools", "gov_events")) {
			this.jdbc.execute("DROP TABLE IF EXISTS " + this.prefix + table);
		}
		close(this.dataSource);
	}

	private JdbcStore newStore(Duration offset) {
		JdbcStore store = new JdbcStore(this.dataSource, this.prefix, null);
		store.setTimeOffset(offset);
		return store;
	}

	private JdbcGovernanceStore newGovernance(Duration offset) {
		JdbcGovernanceStore governance = new JdbcGovernanceStore(this.dataSource, this.prefix, null,
				Duration.ofDays(1));
		governance.setTimeOffset(offset);
		return governance;
	}

	private int count(String table) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM " + this.prefix + table, Integer.class);
	}

	/**
	 * Writes {@code n} rows per table that will no longer matter two days later, and a
	 * few that still will.
	 */
	private void fill(JdbcStore store, JdbcGovernanceStore governance, int n) {
		for (int i = 0; i < n; i++) {
			store.tryLock("short-" + i, Duration.ofMinutes(1), null);
			String id = UUID.randomUUID().toString();
			store.acquireLease("done-" + i, Duration.ofMinutes(1), id, null);
			store.completeLease("done-" + i, id, "{}", null, Duration.ofHours(1));
			governance
				.appendAudit(new AuditRecord(governance.now(), "agent", "tool", "allow", "ok", null, null, 0, null));
			governance.appendEvent("run-" + i, "{}");
			this.jdbc.update(
					"INSERT INTO " + this.prefix
							+ "gov_counters (agent_id, counter_key, counter_value, expires_at) VALUES (?, ?, 1, ?)",
					"agent", "c-" + i, governance.now().plus(Duration.ofHours(1)).toEpochMilli());
		}
		store.tryLock("long", Duration.ofDays(30), null);
		store.acquireLease("held", Duration.ofDays(30), UUID.randomUUID().toString(), null);
		this.jdbc.update(
				"INSERT INTO " + this.prefix
						+ "gov_counters (agent_id, counter_key, counter_value, expires_at) VALUES (?, ?, 1, ?)",
				"agent", "live", governance.now().plus(Duration.ofDays(30)).toEpochMilli());
	}

	@Test
	void purgeShouldDeleteEveryTableInBatchesAndKeepWhatStillMatters() {
		JdbcStore store = newStore(Duration.ZERO);
		JdbcGovernanceStore governance = newGovernance(Duration.ZERO);
		fill(store, governance, 30);
		Duration later = Duration.ofDays(2);
		List<String> batches = new ArrayList<>();
		JdbcPurge purge = new JdbcPurge(newStore(later), newGovernance(later), BATCH, Duration.ofMinutes(10),
				(table, rows) -> batches.add(table + "=" + rows));
		JdbcPurge.Result result = purge.run();
		assertThat(result.ran()).isTrue();
		assertThat(result.complete()).isTrue();
		assertThat(result.deleted())
			.isEqualTo(Map.of("locks", 30L, "leases", 30L, "gov_counters", 30L, "gov_audit", 30L, "gov_events", 30L));
		// 30 rows in batches of 7: four full batches and a short one of 2, per table
		assertThat(batches).hasSize(25)
			.allSatisfy((batch) -> assertThat(Integer.parseInt(batch.substring(batch.indexOf('=') + 1)))
				.isLessThanOrEqualTo(BATCH));
		assertThat(count("locks")).isEqualTo(1);
		assertThat(count("leases")).isEqualTo(1);
		assertThat(count("gov_counters")).isEqualTo(1);
		assertThat(count("gov_audit")).isZero();
		assertThat(count("gov_events")).isZero();
		assertThat(store.getLock("long")).isNotNull();
		assertThat(store.getLease("held")).isNotNull();
		assertThat(purge.run().total()).isZero();
	}

	@Test
	void purgeShouldKeepRowsThatHaveNotExpiredYet() {
		JdbcStore store = newStore(Duration.ZERO);
		JdbcGovernanceStore governance = newGovernance(Duration.ZERO);
		fill(store, governance, 5);
		JdbcPurge.Result result = new JdbcPurge(store, governance, BATCH, Duration.ofMinutes(10),
				JdbcPurge.BatchListener.NONE)
			.run();
		assertThat(result.total()).isZero();
		assertThat(count("locks")).isEqualTo(6);
		assertThat(count("gov_audit")).isEqualTo(5);
	}

	@Test
	void onlyOneInstanceShouldPurgeAtATime() throws Exception {
		fill(newStore(Duration.ZERO), newGovernance(Duration.ZERO), 20);
		Duration later = Duration.ofDays(2);
		int instances = 6;
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch proceed = new CountDownLatch(1);
		CyclicBarrier start = new CyclicBarrier(instances);
		ExecutorService threads = Executors.newFixedThreadPool(instances);
		try {
			CompletionService<JdbcPurge.Result> runs = new ExecutorCompletionService<>(threads);
			for (int i = 0; i < instances; i++) {
				// every instance has its own stores on the shared tables
				JdbcPurge purge = new JdbcPurge(newStore(later), newGovernance(later), BATCH, Duration.ofMinutes(10),
						(table, rows) -> {
							inside.countDown();
							await(proceed);
						});
				runs.submit(() -> {
					start.await(30, TimeUnit.SECONDS);
					return purge.run();
				});
			}
			assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
			// while the one purger is inside a batch, every other instance finds the
			// guard
			// held and returns without deleting anything
			for (int i = 0; i < instances - 1; i++) {
				Future<JdbcPurge.Result> done = runs.poll(30, TimeUnit.SECONDS);
				assertThat(done).isNotNull();
				assertThat(done.get().ran()).isFalse();
				assertThat(done.get().total()).isZero();
			}
			proceed.countDown();
			JdbcPurge.Result winner = runs.take().get(30, TimeUnit.SECONDS);
			assertThat(winner.ran()).isTrue();
			assertThat(winner.total()).isEqualTo(100);
		}
		finally {
			proceed.countDown();
			threads.shutdownNow();
		}
		// the guard was released: the next run runs
		assertThat(
				new JdbcPurge(newStore(later), null, BATCH, Duration.ofMinutes(10), JdbcPurge.BatchListener.NONE).run()
					.ran())
			.isTrue();
	}

	@Test
	void guardLeftByADeadPurgerShouldExpire() {
		JdbcStore store = newStore(Duration.ZERO);
		assertThat(store.tryLock(JdbcPurge.LOCK_KEY, Duration.ofMinutes(10), "{\"purge\":\"dead\"}").acquired())
			.isTrue();
		assertThat(new JdbcPurge(store, null, BATCH, Duration.ofMinutes(10), JdbcPurge.BatchListener.NONE).run().ran())
			.isFalse();
		JdbcPurge.Result after = new JdbcPurge(newStore(Duration.ofMinutes(11)), null, BATCH, Duration.ofMinutes(10),
				JdbcPurge.BatchListener.NONE)
			.run();
		assertThat(after.ran()).isTrue();
		// the run took the expired guard over and released it at the end
		assertThat(newStore(Duration.ofMinutes(11)).getLock(JdbcPurge.LOCK_KEY)).isNull();
	}

	@Test
	void badBatchSizeShouldBeRefusedWithTheAllowedRange() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new JdbcPurge(newStore(Duration.ZERO), null, 0, Duration.ofMinutes(1),
					JdbcPurge.BatchListener.NONE))
			.withMessageContaining("at least 1");
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
