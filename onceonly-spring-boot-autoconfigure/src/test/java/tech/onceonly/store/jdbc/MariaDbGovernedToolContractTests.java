package tech.onceonly.store.jdbc;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.contract.AbstractGovernedToolContractTests;
import tech.onceonly.engine.LocalOnceOnly;

/**
 * The {@code @GovernedTool} contract on the local engine with the JDBC stores on MariaDB
 * ({@code ONCEONLY_TEST_MARIADB_URL}), in tables of its own.
 */
class MariaDbGovernedToolContractTests extends AbstractGovernedToolContractTests {

	private static final String PREFIX = "md_tool_contract_";

	private static HikariDataSource dataSource;

	@BeforeAll
	static void startDatabase() {
		dataSource = JdbcGovernanceTestSupport.mariadb();
		new JdbcStore(dataSource, PREFIX, null).initializeSchema();
	}

	@AfterAll
	static void stopDatabase() {
		if (dataSource != null) {
			dataSource.close();
		}
	}

	@Override
	protected OnceOnly createClient() {
		return LocalOnceOnly.builder(new JdbcStore(dataSource, PREFIX, null)).governanceStore(governance()).build();
	}

	@Override
	protected OnceOnly createUnreachableClient() {
		return LocalOnceOnly.builder(new JdbcStore(dataSource, PREFIX, null))
			.governanceStore(unreachableGovernanceStore())
			.build();
	}

	private static JdbcGovernanceStore governance() {
		return new JdbcGovernanceStore(dataSource, PREFIX, null, Duration.ofDays(7));
	}

}
