package tech.onceonly.store.jdbc;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.contract.AbstractOnceOnlyContractTests;
import tech.onceonly.engine.LocalOnceOnly;

/**
 * The backend contract on the local engine with the JDBC store on PostgreSQL
 * ({@code ONCEONLY_TEST_POSTGRES_URL}).
 */
class PostgresContractTests extends AbstractOnceOnlyContractTests {

	private static HikariDataSource dataSource;

	private JdbcStore store;

	@BeforeAll
	static void connect() {
		dataSource = PostgresTestDataSources.create(16);
		new JdbcStore(dataSource).initializeSchema();
	}

	@AfterAll
	static void disconnect() {
		if (dataSource != null) {
			dataSource.close();
		}
	}

	@Override
	protected OnceOnly createClient() {
		this.store = new JdbcStore(dataSource);
		return new LocalOnceOnly(this.store);
	}

	@Override
	protected void advanceTime(Duration duration) {
		this.store.setTimeOffset(this.store.getTimeOffset().plus(duration));
	}

}
