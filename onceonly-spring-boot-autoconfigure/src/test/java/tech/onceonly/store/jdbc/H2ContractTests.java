package tech.onceonly.store.jdbc;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.contract.AbstractOnceOnlyContractTests;
import tech.onceonly.engine.LocalOnceOnly;

/** The backend contract on the local engine with the JDBC store on H2. */
class H2ContractTests extends AbstractOnceOnlyContractTests {

	private static HikariDataSource dataSource;

	private JdbcStore store;

	@BeforeAll
	static void startDatabase() {
		dataSource = new HikariDataSource();
		dataSource.setJdbcUrl("jdbc:h2:mem:onceonly-contract-tests;DB_CLOSE_DELAY=-1");
		dataSource.setMaximumPoolSize(16);
		new JdbcStore(dataSource).initializeSchema();
	}

	@AfterAll
	static void stopDatabase() {
		dataSource.close();
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
