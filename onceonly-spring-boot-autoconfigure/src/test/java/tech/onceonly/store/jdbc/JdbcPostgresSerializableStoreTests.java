package tech.onceonly.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import tech.onceonly.store.OnceOnlyStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract and fuzz on PostgreSQL whose connections default to SERIALIZABLE
 * isolation, as a database or role setting would make them: concurrent upserts and
 * updates of one row then abort with serialization failures (SQLState 40001) or deadlocks
 * (40P01), which the store must retry rather than report.
 */
class JdbcPostgresSerializableStoreTests extends AbstractJdbcStoreTests {

	private static HikariDataSource dataSource;

	@BeforeAll
	static void connect() {
		dataSource = PostgresTestDataSources.create(16);
		dataSource.setConnectionInitSql("SET default_transaction_isolation = 'serializable'");
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
	void connectionsShouldBeSerializable() {
		assertThat(new JdbcTemplate(dataSource).queryForObject("SHOW transaction_isolation", String.class))
			.isEqualTo("serializable");
	}

}
