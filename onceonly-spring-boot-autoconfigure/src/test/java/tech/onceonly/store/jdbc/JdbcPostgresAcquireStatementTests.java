package tech.onceonly.store.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The insert-first lease acquire on PostgreSQL, counted in statements: a new key and a
 * duplicate (held or finished) are one statement each, the duplicate writing nothing;
 * only a released or expired row takes the second, takeover statement, which keeps the
 * fencing (version) and the store clock. Statements are counted at the connection.
 */
class JdbcPostgresAcquireStatementTests {

	private HikariDataSource pool;

	private JdbcTemplate jdbc;

	private String prefix;

	private final AtomicInteger statements = new AtomicInteger();

	private JdbcStore store;

	@BeforeEach
	void create() {
		HikariDataSource pool = PostgresTestDataSources.create(2);
		this.jdbc = new JdbcTemplate(pool);
		this.pool = pool;
		this.prefix = "pghot_acq_" + UUID.randomUUID().toString().substring(0, 8) + "_";
		this.store = new JdbcStore(counting(pool), this.prefix, null);
		this.store.initializeSchema();
	}

	@AfterEach
	void drop() {
		if (this.pool == null) {
			return;
		}
		for (String table : List.of("locks", "leases", "gov_policies", "gov_agents", "gov_counters", "gov_audit",
				"gov_tools", "gov_events")) {
			this.jdbc.execute("DROP TABLE IF EXISTS " + this.prefix + table);
		}
		this.pool.close();
	}

	@Test
	void aNewKeyShouldBeTakenByOneStatement() {
		this.statements.set(0);
		LeaseResult result = acquire("new");
		assertThat(this.statements).hasValue(1);
		assertThat(result.outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(result.record().version()).isEqualTo(1);
		assertThat(result.record().state()).isEqualTo(LeaseState.HELD);
		// times are the store's: the lease ends ttl after it began, by the database clock
		assertThat(Duration.between(result.record().firstSeenAt(), result.record().expiresAt()))
			.isEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void duplicatesShouldBeAnsweredByOneStatementThatWritesNothing() {
		LeaseResult held = acquire("held");
		String done = acquire("done").record().leaseId();
		this.store.completeLease(key("done"), done, "{\"r\":1}", "h", Duration.ofHours(1));
		String before = rowVersions();
		this.statements.set(0);
		LeaseResult other = acquire("held");
		assertThat(this.statements).hasValue(1);
		assertThat(other.outcome()).isEqualTo(LeaseResult.Outcome.HELD_BY_OTHER);
		assertThat(other.record().leaseId()).isEqualTo(held.record().leaseId());
		this.statements.set(0);
		LeaseResult replay = acquire("done");
		assertThat(this.statements).hasValue(1);
		assertThat(replay.outcome()).isEqualTo(LeaseResult.Outcome.COMPLETED);
		assertThat(replay.record().resultJson()).isEqualTo("{\"r\":1}");
		assertThat(rowVersions()).as("no row locked or written").isEqualTo(before);
	}

	@Test
	void releasedAndExpiredRowsShouldBeTakenOverByTheSecondStatementWithTheirVersion() {
		String released = acquire("released").record().leaseId();
		assertThat(this.store.cancelLease(key("released"), released)).isTrue();
		acquire("expired");
		this.statements.set(0);
		LeaseResult again = acquire("released");
		assertThat(this.statements).hasValue(2);
		assertThat(again.outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(again.record().version()).isEqualTo(2);
		// the holder of "expired" stopped: two minutes later (store clock) its lease is
		// free
		this.store.setTimeOffset(Duration.ofMinutes(2));
		this.statements.set(0);
		LeaseResult taken = acquire("expired");
		assertThat(this.statements).hasValue(2);
		assertThat(taken.outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(taken.record().version()).isEqualTo(2);
		// the previous holder is fenced off
		assertThat(this.store.completeLease(key("expired"), "not-the-holder", "{}", null, Duration.ofHours(1)))
			.isNull();
	}

	private LeaseResult acquire(String name) {
		return this.store.acquireLease(key(name), Duration.ofMinutes(1), UUID.randomUUID().toString(), null);
	}

	private String key(String name) {
		return this.prefix + name;
	}

	private String rowVersions() {
		return String.join(";", this.jdbc.queryForList("SELECT lease_key || '/' || xmin::text || '/' || xmax::text "
				+ "|| '/' || ctid::text FROM " + this.prefix + "leases ORDER BY lease_key", String.class));
	}

	/** Counts the statements prepared on its connections. */
	private DataSource counting(DataSource target) {
		return new DelegatingDataSource(target) {

			@Override
			public Connection getConnection() throws java.sql.SQLException {
				Connection connection = obtainTargetDataSource().getConnection();
				return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
						new Class<?>[] { Connection.class }, (proxy, method, args) -> {
							if (method.getName().startsWith("prepare")) {
								JdbcPostgresAcquireStatementTests.this.statements.incrementAndGet();
							}
							try {
								return method.invoke(connection, args);
							}
							catch (InvocationTargetException ex) {
								throw ex.getCause();
							}
						});
			}

		};
	}

}
