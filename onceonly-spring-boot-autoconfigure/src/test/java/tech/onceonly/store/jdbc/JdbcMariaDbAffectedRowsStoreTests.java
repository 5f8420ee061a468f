package tech.onceonly.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import tech.onceonly.store.OnceOnlyStore;

/**
 * The store contract and fuzz on MariaDB with a driver that counts changed rows instead
 * of found rows ({@code useAffectedRows=true}, which a user may set): every conditional
 * write must still report what it did.
 */
class JdbcMariaDbAffectedRowsStoreTests extends AbstractJdbcStoreTests {

	private static HikariDataSource dataSource;

	@BeforeAll
	static void connect() {
		dataSource = MariaDbTestDataSources.create(16);
		String url = dataSource.getJdbcUrl();
		dataSource.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "useAffectedRows=true");
		new JdbcStore(dataSource, "md_affected_", null).initializeSchema();
	}

	@AfterAll
	static void disconnect() {
		if (dataSource != null) {
			dataSource.close();
		}
	}

	@Override
	protected OnceOnlyStore createStore() {
		return new JdbcStore(dataSource, "md_affected_", null);
	}

}
