package tech.onceonly.engine.governance;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.GovernanceTestClock;
import tech.onceonly.store.jdbc.JdbcGovernanceStore;
import tech.onceonly.store.jdbc.JdbcGovernanceTestSupport;

/**
 * The governance engine on the JDBC governance store on PostgreSQL
 * ({@code ONCEONLY_TEST_POSTGRES_URL}).
 */
class PostgresGovernanceEngineTests extends AbstractGovernanceEngineTests {

	private static HikariDataSource dataSource;

	@BeforeAll
	static void startDatabase() {
		dataSource = JdbcGovernanceTestSupport.postgres();
	}

	@AfterAll
	static void stopDatabase() {
		if (dataSource != null) {
			dataSource.close();
		}
	}

	@Override
	protected GovernanceStore createGovernanceStore(GovernanceTestClock clock) {
		return JdbcGovernanceTestSupport.store(dataSource, clock);
	}

	@Override
	protected GovernanceStore sameDataFromAnotherInstance() {
		return JdbcGovernanceTestSupport.sameData(dataSource, (JdbcGovernanceStore) this.store);
	}

}
