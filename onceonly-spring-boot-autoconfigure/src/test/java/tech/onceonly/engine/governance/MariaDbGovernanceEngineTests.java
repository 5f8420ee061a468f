package tech.onceonly.engine.governance;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.GovernanceTestClock;
import tech.onceonly.store.jdbc.JdbcGovernanceStore;
import tech.onceonly.store.jdbc.JdbcGovernanceTestSupport;

/**
 * The governance engine on the JDBC governance store on MariaDB
 * ({@code ONCEONLY_TEST_MARIADB_URL}), in tables of its own.
 */
class MariaDbGovernanceEngineTests extends AbstractGovernanceEngineTests {

	private static final String PREFIX = "md_gov_engine_";

	private static HikariDataSource dataSource;

	@BeforeAll
	static void startDatabase() {
		dataSource = JdbcGovernanceTestSupport.mariadb();
	}

	@AfterAll
	static void stopDatabase() {
		if (dataSource != null) {
			dataSource.close();
		}
	}

	@Override
	protected GovernanceStore createGovernanceStore(GovernanceTestClock clock) {
		return JdbcGovernanceTestSupport.store(dataSource, PREFIX, clock);
	}

	@Override
	protected GovernanceStore sameDataFromAnotherInstance() {
		return JdbcGovernanceTestSupport.sameData(dataSource, PREFIX, (JdbcGovernanceStore) this.store);
	}

}
