package tech.onceonly.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import tech.onceonly.store.AbstractGovernanceStoreContractTests;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.GovernanceTestClock;

/**
 * The governance store contract on MariaDB ({@code ONCEONLY_TEST_MARIADB_URL}), in tables
 * of its own.
 */
class MariaDbGovernanceStoreContractTests extends AbstractGovernanceStoreContractTests {

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
	protected GovernanceStore createStore(GovernanceTestClock clock) {
		return JdbcGovernanceTestSupport.store(dataSource, "md_gov_contract_", clock);
	}

}
