package tech.onceonly.store.jdbc;

import java.sql.Connection;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tech.onceonly.store.AbstractGovernanceStoreContractTests;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.GovernanceTestClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The governance store contract on MariaDB whose connections are SERIALIZABLE: InnoDB
 * then turns every plain read of a transaction into a shared-lock read, so concurrent
 * reservations meet lock waits and deadlocks (SQLState 40001), which the store retries.
 */
class MariaDbSerializableGovernanceStoreContractTests extends AbstractGovernanceStoreContractTests {

	private static HikariDataSource dataSource;

	@BeforeAll
	static void startDatabase() {
		dataSource = JdbcGovernanceTestSupport.mariadb();
		dataSource.setTransactionIsolation("TRANSACTION_SERIALIZABLE");
	}

	@AfterAll
	static void stopDatabase() {
		if (dataSource != null) {
			dataSource.close();
		}
	}

	@Override
	protected GovernanceStore createStore(GovernanceTestClock clock) {
		return JdbcGovernanceTestSupport.store(dataSource, "md_gov_serializable_", clock);
	}

	@Test
	void connectionsShouldBeSerializable() throws Exception {
		try (Connection connection = dataSource.getConnection()) {
			assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
		}
	}

}
