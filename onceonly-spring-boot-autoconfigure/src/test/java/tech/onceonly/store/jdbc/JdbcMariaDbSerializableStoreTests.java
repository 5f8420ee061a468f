package tech.onceonly.store.jdbc;

import java.sql.Connection;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tech.onceonly.store.OnceOnlyStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract and fuzz on MariaDB whose connections are SERIALIZABLE (a pool or
 * server setting the store does not control): its statements run in auto-commit, where
 * InnoDB keeps reads consistent and non-locking, and conflicts are retried.
 */
class JdbcMariaDbSerializableStoreTests extends AbstractJdbcStoreTests {

	private static HikariDataSource dataSource;

	@BeforeAll
	static void connect() {
		dataSource = MariaDbTestDataSources.create(16);
		dataSource.setTransactionIsolation("TRANSACTION_SERIALIZABLE");
		new JdbcStore(dataSource, "md_serializable_", null).initializeSchema();
	}

	@AfterAll
	static void disconnect() {
		if (dataSource != null) {
			dataSource.close();
		}
	}

	@Override
	protected OnceOnlyStore createStore() {
		return new JdbcStore(dataSource, "md_serializable_", null);
	}

	@Test
	void connectionsShouldBeSerializable() throws Exception {
		try (Connection connection = dataSource.getConnection()) {
			assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
		}
	}

}
