package tech.onceonly.store.jdbc;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.contract.AbstractFaultContractTests;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.FaultyStore;

/**
 * The backend contract, with store faults, on the local engine with the JDBC store on H2.
 */
class H2ContractTests extends AbstractFaultContractTests {

	private static HikariDataSource dataSource;

	private JdbcStore store;

	private FaultyStore faults;

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
		this.faults = new FaultyStore(this.store);
		return LocalOnceOnly.builder(this.faults).leaseEvents(this.leaseEvents).build();
	}

	@Override
	protected FaultyStore faults() {
		return this.faults;
	}

	@Override
	protected void advanceTime(Duration duration) {
		this.store.setTimeOffset(this.store.getTimeOffset().plus(duration));
	}

}
