package tech.onceonly.store.jdbc;

import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import tech.onceonly.store.AuditRecord;
import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDBC stores on a pool whose connections are not auto-commit (a common Hibernate
 * tuning): every write must still commit, or the pool rolls it back when the connection
 * returns and every lock, lease and kill switch silently vanishes.
 */
class JdbcStoreOnAutoCommitOffPoolTests {

	private static final Duration TTL = Duration.ofSeconds(30);

	private HikariDataSource pool;

	private final String prefix = "ac:" + UUID.randomUUID() + ":";

	@AfterEach
	void closePool() {
		if (this.pool != null) {
			this.pool.close();
		}
	}

	private HikariDataSource pool(String platform) {
		HikariDataSource dataSource = new HikariDataSource();
		if (platform.equals("h2")) {
			dataSource.setJdbcUrl("jdbc:h2:mem:onceonly-autocommit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		}
		else if (platform.equals("mariadb")) {
			// user and password are in the URL
			dataSource.setJdbcUrl(TestServices.mariadbUrl());
			dataSource.setConnectionTimeout(2000);
		}
		else {
			dataSource.setJdbcUrl(TestServices.postgresUrl());
			dataSource.setUsername("postgres");
			dataSource.setConnectionTimeout(2000);
		}
		dataSource.setMaximumPoolSize(4);
		dataSource.setAutoCommit(false);
		this.pool = dataSource;
		return dataSource;
	}

	/** A connection outside the pool: it sees only what was committed. */
	private JdbcTemplate outside(HikariDataSource pool) {
		DriverManagerDataSource plain = new DriverManagerDataSource(pool.getJdbcUrl(), pool.getUsername(), null);
		return new JdbcTemplate(plain);
	}

	private JdbcStore store(HikariDataSource pool) {
		JdbcStore store = new JdbcStore(pool);
		store.initializeSchema();
		return store;
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql", "mariadb" })
	void secondAcquireShouldFindTheFirstHolder(String platform) throws Exception {
		JdbcStore store = store(pool(platform));
		String key = this.prefix + "k";
		assertThat(store.acquireLease(key, TTL, "first", null).outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(store.acquireLease(key, TTL, "second", null).outcome()).isEqualTo(LeaseResult.Outcome.HELD_BY_OTHER);
		assertThat(store.tryLock(this.prefix + "lock", TTL, null).acquired()).isTrue();
		assertThat(store.tryLock(this.prefix + "lock", TTL, null).acquired()).isFalse();
		assertThat(store.extendLease(key, "first", TTL)).isNotNull();
		assertThat(outside(this.pool).queryForObject("SELECT lease_id FROM onceonly_leases WHERE lease_key = ?",
				String.class, key))
			.isEqualTo("first");
		try (Connection connection = this.pool.getConnection()) {
			assertThat(connection.getAutoCommit()).as("the pool's own setting is left as it was").isFalse();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql", "mariadb" })
	void completedResultShouldSurvive(String platform) {
		JdbcStore store = store(pool(platform));
		String key = this.prefix + "done";
		store.acquireLease(key, TTL, "holder", null);
		assertThat(store.completeLease(key, "holder", "{\"ok\":true}", null, Duration.ofDays(1))).isNotNull();
		LeaseResult duplicate = store.acquireLease(key, TTL, "late", null);
		assertThat(duplicate.outcome()).isEqualTo(LeaseResult.Outcome.COMPLETED);
		assertThat(duplicate.record().resultJson()).isEqualTo("{\"ok\":true}");
		LeaseRecord seenElsewhere = new JdbcStore(
				new DriverManagerDataSource(this.pool.getJdbcUrl(), this.pool.getUsername(), null))
			.getLease(key);
		assertThat(seenElsewhere).isNotNull();
		assertThat(seenElsewhere.state()).isEqualTo(LeaseState.COMPLETED);
		String cancelled = this.prefix + "cancelled";
		store.acquireLease(cancelled, TTL, "c1", null);
		assertThat(store.cancelLease(cancelled, "c1")).isTrue();
		assertThat(store.acquireLease(cancelled, TTL, "c2", null).record().version()).isEqualTo(2);
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql", "mariadb" })
	void governanceWritesShouldBeSeenByANewConnection(String platform) {
		HikariDataSource pool = pool(platform);
		store(pool);
		JdbcGovernanceStore governance = new JdbcGovernanceStore(pool);
		String agent = this.prefix + "agent";
		governance.setAgentEnabled(agent, false, "runaway");
		governance.putPolicy(agent, "{}");
		governance.appendAudit(new AuditRecord(governance.now(), agent, "t", "executed", "ok", "low", "h", 0, null));
		assertThat(governance.getAgent(agent).enabled()).isFalse();
		JdbcGovernanceStore elsewhere = new JdbcGovernanceStore(
				new DriverManagerDataSource(pool.getJdbcUrl(), pool.getUsername(), null));
		assertThat(elsewhere.getAgent(agent).enabled()).as("the kill switch reached the database").isFalse();
		assertThat(elsewhere.getPolicy(agent)).isNotNull();
		assertThat(elsewhere.listAudit(agent, 10)).hasSize(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql", "mariadb" })
	void leaseTakenInsideACallersTransactionShouldCommitAtOnceAndSurviveItsRollback(String platform) {
		HikariDataSource pool = pool(platform);
		JdbcStore store = store(pool);
		String key = this.prefix + "in-tx";
		TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(pool));
		transaction.executeWithoutResult((status) -> {
			new JdbcTemplate(pool).queryForObject("SELECT 1", Integer.class);
			assertThat(store.acquireLease(key, TTL, "holder", null).outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
			assertThat(outside(pool).queryForObject("SELECT COUNT(*) FROM onceonly_leases WHERE lease_key = ?",
					Integer.class, key))
				.as("visible to others while the caller's transaction is open")
				.isEqualTo(1);
			status.setRollbackOnly();
		});
		assertThat(store.acquireLease(key, TTL, "other", null).outcome()).isEqualTo(LeaseResult.Outcome.HELD_BY_OTHER);
	}

}
