package tech.onceonly.store.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract and fuzz on a real PostgreSQL ({@code ONCEONLY_TEST_POSTGRES_URL}).
 */
class JdbcPostgresStoreTests extends AbstractJdbcStoreTests {

	private static HikariDataSource dataSource;

	@BeforeAll
	static void connect() {
		dataSource = PostgresTestDataSources.create(16);
		new JdbcStore(dataSource).initializeSchema();
	}

	@AfterAll
	static void disconnect() {
		if (dataSource != null) {
			dataSource.close();
		}
	}

	@Override
	protected OnceOnlyStore createStore() {
		return new JdbcStore(dataSource);
	}

	@Test
	void duplicateThatFindsACompletedLeaseShouldNotWrite() {
		String id = UUID.randomUUID().toString();
		this.store.acquireLease(key("l"), TTL, id, null);
		this.store.completeLease(key("l"), id, "{}", null, RETENTION);
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		String sql = "SELECT xmin::text FROM onceonly_leases WHERE lease_key = ?";
		String before = jdbc.queryForObject(sql, String.class, key("l"));
		assertThat(this.store.acquireLease(key("l"), TTL, UUID.randomUUID().toString(), null).outcome())
			.isEqualTo(LeaseResult.Outcome.COMPLETED);
		assertThat(jdbc.queryForObject(sql, String.class, key("l"))).isEqualTo(before);
	}

	@Test
	void replaysOfAFinishedKeyShouldNeitherLockNorWriteTheRow() throws Exception {
		String id = UUID.randomUUID().toString();
		this.store.acquireLease(key("replayed"), TTL, id, null);
		this.store.completeLease(key("replayed"), id, "{\"n\":1}", "h", RETENTION);
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		// a row lock (what an upsert whose condition is false takes) moves xmax and
		// writes
		// a WAL record; an update moves ctid and xmin
		String sql = "SELECT xmin::text || '/' || xmax::text || '/' || ctid::text FROM onceonly_leases "
				+ "WHERE lease_key = ?";
		String before = jdbc.queryForObject(sql, String.class, key("replayed"));
		int threads = 8;
		int perThread = 25;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				results.add(pool.submit(() -> {
					int completed = 0;
					for (int i = 0; i < perThread; i++) {
						LeaseResult replay = this.store.acquireLease(key("replayed"), TTL, UUID.randomUUID().toString(),
								null);
						if (replay.outcome() == LeaseResult.Outcome.COMPLETED
								&& "{\"n\":1}".equals(replay.record().resultJson())) {
							completed++;
						}
					}
					return completed;
				}));
			}
			int completed = 0;
			for (Future<Integer> result : results) {
				completed += result.get(60, TimeUnit.SECONDS);
			}
			assertThat(completed).isEqualTo(threads * perThread);
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(jdbc.queryForObject(sql, String.class, key("replayed"))).isEqualTo(before);
	}

	@Test
	void aHeldLeaseAndAnUnexpiredLockShouldBeAnsweredWithoutLockingTheirRows() {
		String id = UUID.randomUUID().toString();
		this.store.acquireLease(key("held"), TTL, id, null);
		this.store.tryLock(key("lock"), TTL, null);
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		String lease = "SELECT xmin::text || '/' || xmax::text || '/' || ctid::text FROM onceonly_leases "
				+ "WHERE lease_key = ?";
		String lock = "SELECT xmin::text || '/' || xmax::text || '/' || ctid::text FROM onceonly_locks "
				+ "WHERE lock_key = ?";
		String leaseBefore = jdbc.queryForObject(lease, String.class, key("held"));
		String lockBefore = jdbc.queryForObject(lock, String.class, key("lock"));
		for (int i = 0; i < 20; i++) {
			assertThat(this.store.acquireLease(key("held"), TTL, UUID.randomUUID().toString(), null).outcome())
				.isEqualTo(LeaseResult.Outcome.HELD_BY_OTHER);
			assertThat(this.store.tryLock(key("lock"), TTL, null).acquired()).isFalse();
		}
		assertThat(jdbc.queryForObject(lease, String.class, key("held"))).isEqualTo(leaseBefore);
		assertThat(jdbc.queryForObject(lock, String.class, key("lock"))).isEqualTo(lockBefore);
	}

	@Test
	void platformShouldBeDetected() {
		assertThat(((JdbcStore) this.store).platform()).isEqualTo(JdbcStore.Platform.POSTGRESQL);
		assertThat(TestServices.postgresUrl()).startsWith("jdbc:postgresql:");
	}

}
