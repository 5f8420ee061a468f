package tech.onceonly.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import tech.onceonly.store.AbstractGovernanceStoreContractTests;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.GovernanceTestClock;

/**
 * The governance store contract on PostgreSQL whose connections default to SERIALIZABLE
 * isolation: concurrent reservations and kill switches then meet serialization failures,
 * which the store retries.
 */
class PostgresSerializableGovernanceStoreContractTests extends AbstractGovernanceStoreContractTests {

	private static HikariDataSource dataSource;

	@BeforeAll
	static void startDatabase() {
		dataSource = JdbcGovernanceTestSupport.postgres();
		dataSource.setConnectionInitSql("SET default_transaction_isolation = 'serializable'");
	}

	@AfterAll
	static void stopDatabase() {
		if (dataSource != null) {
			dataSource.close();
		}
	}

	@Override
	protected GovernanceStore createStore(GovernanceTestClock clock) {
		return JdbcGovernanceTestSupport.store(dataSource, clock);
	}

}
