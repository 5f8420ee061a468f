package tech.onceonly.store.jdbc;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.ServiceControl;
import tech.onceonly.store.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * PostgreSQL stopped in the middle of a test: calls fail with a clear
 * {@link StoreException}; after the restart every completed lease is still there and
 * duplicates are still refused.
 */
class PostgresOutageTests {

	@Test
	void outageShouldFailClearlyAndLoseNothingCompleted() throws Exception {
		try (HikariDataSource dataSource = PostgresTestDataSources.create(4)) {
			JdbcStore store = new JdbcStore(dataSource);
			store.initializeSchema();
			String key = "outage:" + UUID.randomUUID();
			String leaseId = UUID.randomUUID().toString();
			store.acquireLease(key, Duration.ofMinutes(1), leaseId, null);
			store.completeLease(key, leaseId, "{\"charged\":true}", null, Duration.ofDays(7));
			ServiceControl.run("onceonly_postgres_stop");
			try {
				assertThatExceptionOfType(StoreException.class)
					.isThrownBy(
							() -> store.acquireLease(key, Duration.ofMinutes(1), UUID.randomUUID().toString(), null))
					.withMessageStartingWith("The OnceOnly JDBC store could not acquire the lease (POSTGRESQL, tables "
							+ "onceonly_locks/onceonly_leases)");
			}
			finally {
				ServiceControl.run("onceonly_postgres_start");
			}
			LeaseResult duplicate = afterRecovery(
					() -> store.acquireLease(key, Duration.ofMinutes(1), UUID.randomUUID().toString(), null));
			assertThat(duplicate.outcome()).isEqualTo(LeaseResult.Outcome.COMPLETED);
			assertThat(duplicate.record().resultJson()).isEqualTo("{\"charged\":true}");
		}
	}

	/**
	 * The pool may hand out one connection broken by the restart; the next call gets a
	 * fresh one.
	 */
	private static <T> T afterRecovery(Supplier<T> call) {
		StoreException last = null;
		for (int attempt = 0; attempt < 5; attempt++) {
			try {
				return call.get();
			}
			catch (StoreException ex) {
				last = ex;
			}
		}
		throw last;
	}

}
