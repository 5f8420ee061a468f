package tech.onceonly.store.jdbc;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import tech.onceonly.store.OnceOnlyStore;

/** The store contract and fuzz on H2 (in memory, shared by the pool's connections). */
class JdbcH2StoreTests extends AbstractJdbcStoreTests {

	private static HikariDataSource dataSource;

	@BeforeAll
	static void startDatabase() {
		dataSource = new HikariDataSource();
		dataSource.setJdbcUrl("jdbc:h2:mem:onceonly-store-tests;DB_CLOSE_DELAY=-1");
		dataSource.setMaximumPoolSize(16);
		new JdbcStore(dataSource).initializeSchema();
	}

	@AfterAll
	static void stopDatabase() {
		dataSource.close();
	}

	@Override
	protected OnceOnlyStore createStore() {
		return new JdbcStore(dataSource);
	}

}
