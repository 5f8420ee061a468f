package tech.onceonly.store.jdbc;

import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract and fuzz on a real PostgreSQL ({@code ONCEONLY_TEST_POSTGRES_URL}).
 */
class JdbcPostgresStoreTests extends AbstractJdbcStoreTests {

	private static HikariDataSource dataSource;

	@BeforeAll
	static void connect() {
		dataSource = PostgresTestDataSources.create(16);
		new JdbcStore(dataSource).initializeSchema();
	}

	@AfterAll
	static void disconnect() {
		if (dataSource != null) {
			dataSource.close();
		}
	}

	@Override
	protected OnceOnlyStore createStore() {
		return new JdbcStore(dataSource);
	}

	@Test
	void duplicateThatFindsACompletedLeaseShouldNotWrite() {
		String id = UUID.randomUUID().toString();
		this.store.acquireLease(key("l"), TTL, id, null);
		this.store.completeLease(key("l"), id, "{}", null, RETENTION);
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		String sql = "SELECT xmin::text FROM onceonly_leases WHERE lease_key = ?";
		String before = jdbc.queryForObject(sql, String.class, key("l"));
		assertThat(this.store.acquireLease(key("l"), TTL, UUID.randomUUID().toString(), null).outcome())
			.isEqualTo(LeaseResult.Outcome.COMPLETED);
		assertThat(jdbc.queryForObject(sql, String.class, key("l"))).isEqualTo(before);
	}

	@Test
	void platformShouldBeDetected() {
		assertThat(((JdbcStore) this.store).platform()).isEqualTo(JdbcStore.Platform.POSTGRESQL);
		assertThat(TestServices.postgresUrl()).startsWith("jdbc:postgresql:");
	}

}
