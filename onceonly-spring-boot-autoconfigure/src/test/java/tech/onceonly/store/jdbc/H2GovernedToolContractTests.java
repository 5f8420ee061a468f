package tech.onceonly.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.contract.AbstractGovernedToolContractTests;
import tech.onceonly.engine.LocalOnceOnly;

/**
 * The {@code @GovernedTool} contract on the local engine with the JDBC stores on H2 (a
 * durable store: policies, budgets, the kill switch and dedup records live in tables).
 */
class H2GovernedToolContractTests extends AbstractGovernedToolContractTests {

	private static HikariDataSource dataSource;

	@BeforeAll
	static void startDatabase() {
		dataSource = JdbcGovernanceTestSupport.h2("onceonly-governed-tool-contract");
		new JdbcStore(dataSource).initializeSchema();
		new JdbcGovernanceStore(dataSource).initializeSchema();
	}

	@AfterAll
	static void stopDatabase() {
		dataSource.close();
	}

	@Override
	protected OnceOnly createClient() {
		return LocalOnceOnly.builder(new JdbcStore(dataSource))
			.governanceStore(new JdbcGovernanceStore(dataSource))
			.build();
	}

	@Override
	protected OnceOnly createUnreachableClient() {
		return LocalOnceOnly.builder(new JdbcStore(dataSource)).governanceStore(unreachableGovernanceStore()).build();
	}

}
