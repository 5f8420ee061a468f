package tech.onceonly.store.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.OnceOnlyStore;

import static org.assertj.core.api.Assertions.assertThat;

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

	/**
	 * An extension that sets the expiry the row already has changes no row, so the driver
	 * counts 0: the store must confirm by reading, not report the lease lost. The
	 * database clock is pinned ({@code SET timestamp}) so that this happens every time.
	 */
	@Test
	void extensionToTheSameExpiryShouldStillSucceed() {
		try (HikariDataSource pinned = MariaDbTestDataSources.create(2)) {
			pinned.setJdbcUrl(dataSource.getJdbcUrl());
			pinned.setConnectionInitSql("SET timestamp = 1764750000.250");
			JdbcStore store = new JdbcStore(pinned, "md_affected_", null);
			assertThat(store.now()).isEqualTo(Instant.ofEpochSecond(1764750000, 250_000_000));
			String key = key("pinned");
			String leaseId = UUID.randomUUID().toString();
			LeaseResult acquired = store.acquireLease(key, TTL, leaseId, null);
			assertThat(acquired.outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
			LeaseRecord extended = store.extendLease(key, leaseId, TTL);
			assertThat(extended).isNotNull();
			assertThat(extended.expiresAt()).isEqualTo(acquired.record().expiresAt());
			assertThat(store.extendLease(key, "someone-else", TTL)).isNull();
			assertThat(store.extendLease(key, leaseId, Duration.ofMinutes(5)).expiresAt())
				.isEqualTo(store.now().plus(Duration.ofMinutes(5)));
		}
	}

}
