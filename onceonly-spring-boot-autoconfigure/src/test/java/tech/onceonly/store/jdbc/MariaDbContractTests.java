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
 * The backend contract, with store faults, on the local engine with the JDBC store on
 * MariaDB ({@code ONCEONLY_TEST_MARIADB_URL}), in tables of its own.
 */
class MariaDbContractTests extends AbstractFaultContractTests {

	private static final String PREFIX = "md_contract_";

	private static HikariDataSource dataSource;

	private JdbcStore store;

	private FaultyStore faults;

	@BeforeAll
	static void connect() {
		dataSource = MariaDbTestDataSources.create(16);
		new JdbcStore(dataSource, PREFIX, null).initializeSchema();
	}

	@AfterAll
	static void disconnect() {
		if (dataSource != null) {
			dataSource.close();
		}
	}

	@Override
	protected OnceOnly createClient() {
		this.store = new JdbcStore(dataSource, PREFIX, null);
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
