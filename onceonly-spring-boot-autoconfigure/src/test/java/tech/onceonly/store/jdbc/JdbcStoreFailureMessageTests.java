package tech.onceonly.store.jdbc;

import java.lang.reflect.Proxy;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import tech.onceonly.store.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A store failure whose cause has no message says what failed, never ": null". */
class JdbcStoreFailureMessageTests {

	@Test
	void clockReadFailingWithoutAMessageShouldNameTheFailureType() {
		JdbcStore store = new JdbcStore(dataSourceFailingWith(new SQLException()), "onceonly_",
				JdbcStore.Platform.POSTGRESQL);
		assertThatExceptionOfType(StoreException.class).isThrownBy(store::now)
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("could not read the clock")
				.endsWith(": SQLException (no message)")
				.doesNotEndWith(": null"));
	}

	@Test
	void mariaDbStoreFailureShouldNameThePlatformTheTablesAndTheCause() {
		JdbcStore store = new JdbcStore(dataSourceFailingWith(new SQLException("Connection refused", "08000")), "app_",
				JdbcStore.Platform.MARIADB);
		assertThatExceptionOfType(StoreException.class)
			.isThrownBy(() -> store.tryLock("k", java.time.Duration.ofSeconds(1), null))
			.withMessage("The OnceOnly JDBC store could not take the lock (MARIADB, tables app_locks/app_leases): "
					+ "Connection refused");
		assertThatExceptionOfType(StoreException.class).isThrownBy(store::now)
			.withMessageContaining("could not read the clock (MARIADB");
	}

	@Test
	void describeShouldKeepAMessageAndNameATypeWithout() {
		assertThat(StoreException.describe(new IllegalStateException("connection reset")))
			.isEqualTo("connection reset");
		assertThat(StoreException.describe(new IllegalStateException()))
			.isEqualTo("IllegalStateException (no message)");
		assertThat(StoreException.describe(new IllegalStateException(" ")))
			.isEqualTo("IllegalStateException (no message)");
	}

	private static DataSource dataSourceFailingWith(SQLException failure) {
		return (DataSource) Proxy.newProxyInstance(JdbcStoreFailureMessageTests.class.getClassLoader(),
				new Class<?>[] { DataSource.class }, (proxy, method, args) -> {
					if (method.getName().equals("getConnection")) {
						throw failure;
					}
					if (method.getName().equals("toString")) {
						return "failing data source";
					}
					throw new UnsupportedOperationException(method.getName());
				});
	}

}
