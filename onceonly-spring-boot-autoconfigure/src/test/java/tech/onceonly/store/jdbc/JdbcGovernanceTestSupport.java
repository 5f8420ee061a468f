package tech.onceonly.store.jdbc;

import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

import tech.onceonly.store.GovernanceTestClock;
import tech.onceonly.store.TestServices;

/**
 * Pools, empty governance tables, and a JDBC governance store whose clock follows a test
 * clock.
 */
public final class JdbcGovernanceTestSupport {

	private static final String[] TABLES = { "policies", "agents", "counters", "audit", "tools", "events" };

	private JdbcGovernanceTestSupport() {
	}

	/** A pool on a private in-memory H2 database. */
	public static HikariDataSource h2(String name) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
		dataSource.setMaximumPoolSize(40);
		return dataSource;
	}

	/**
	 * A pool on the test PostgreSQL ({@code ONCEONLY_TEST_POSTGRES_URL}); skips or fails
	 * as TestServices says.
	 */
	public static HikariDataSource postgres() {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(TestServices.postgresUrl());
		dataSource.setUsername("postgres");
		dataSource.setMaximumPoolSize(40);
		dataSource.setConnectionTimeout(5000);
		return dataSource;
	}

	/**
	 * A pool on the test MariaDB ({@code ONCEONLY_TEST_MARIADB_URL}, user and password in
	 * the URL); skips or fails as TestServices says.
	 */
	public static HikariDataSource mariadb() {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(TestServices.mariadbUrl());
		dataSource.setMaximumPoolSize(40);
		dataSource.setConnectionTimeout(5000);
		return dataSource;
	}

	/**
	 * Another store instance on the tables of {@code store}, on the same clock shift
	 * (another JVM's view).
	 */
	public static JdbcGovernanceStore sameData(DataSource dataSource, JdbcGovernanceStore store) {
		return sameData(dataSource, JdbcStore.DEFAULT_TABLE_PREFIX, store);
	}

	/**
	 * Another store instance on the tables under {@code prefix} of {@code store}, on the
	 * same clock shift (another JVM's view).
	 */
	public static JdbcGovernanceStore sameData(DataSource dataSource, String prefix, JdbcGovernanceStore store) {
		JdbcGovernanceStore other = new JdbcGovernanceStore(dataSource, prefix, null,
				JdbcGovernanceStore.DEFAULT_RETENTION);
		other.setTimeOffset(store.getTimeOffset());
		return other;
	}

	/**
	 * A store on {@code dataSource} with its tables created and emptied, its clock
	 * shifted to {@code clock} and kept there whenever the test moves the clock (the
	 * database clock still runs on in between).
	 */
	public static JdbcGovernanceStore store(DataSource dataSource, GovernanceTestClock clock) {
		return store(dataSource, JdbcStore.DEFAULT_TABLE_PREFIX, clock);
	}

	/**
	 * A store on the tables under {@code prefix} of {@code dataSource}, created and
	 * emptied, its clock following {@code clock} as
	 * {@link #store(DataSource, GovernanceTestClock)} does.
	 */
	public static JdbcGovernanceStore store(DataSource dataSource, String prefix, GovernanceTestClock clock) {
		JdbcGovernanceStore store = new JdbcGovernanceStore(dataSource, prefix, null,
				JdbcGovernanceStore.DEFAULT_RETENTION);
		store.initializeSchema();
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		for (String table : TABLES) {
			jdbc.update("DELETE FROM " + prefix + "gov_" + table);
		}
		Runnable follow = () -> {
			store.setTimeOffset(Duration.ZERO);
			store.setTimeOffset(Duration.between(store.now(), clock.instant()));
		};
		follow.run();
		clock.onChange(follow);
		return store;
	}

}
