package tech.onceonly.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.AbstractDataSource;

import tech.onceonly.store.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The startup check of the JDBC tables ({@link JdbcSchema}). */
class JdbcSchemaTests {

	@Test
	void shouldNameEveryTableOfBothStores() {
		assertThat(JdbcSchema.storeTables("app.x_")).containsExactly("app.x_locks", "app.x_leases");
		assertThat(JdbcSchema.governanceTables("x_")).containsExactly("x_gov_policies", "x_gov_agents",
				"x_gov_counters", "x_gov_audit", "x_gov_tools", "x_gov_events");
	}

	@Test
	void shouldReportOnlyTheMissingTablesInOrder() {
		try (HikariDataSource dataSource = JdbcGovernanceTestSupport.h2("schema-" + UUID.randomUUID())) {
			List<String> all = new ArrayList<>(JdbcSchema.storeTables("onceonly_"));
			all.addAll(JdbcSchema.governanceTables("onceonly_"));
			assertThat(JdbcSchema.missingTables(dataSource, all)).isEqualTo(all);
			new JdbcStore(dataSource).initializeSchema();
			assertThat(JdbcSchema.missingTables(dataSource, all)).isEmpty();
			new JdbcTemplate(dataSource).execute("DROP TABLE onceonly_gov_tools");
			assertThat(JdbcSchema.missingTables(dataSource, all)).containsExactly("onceonly_gov_tools");
		}
	}

	@Test
	void anUnreachableDatabaseShouldNotCountAsMissingTables() {
		AbstractDataSource down = new AbstractDataSource() {

			@Override
			public Connection getConnection() throws SQLException {
				throw new SQLException("Connection refused", "08001");
			}

			@Override
			public Connection getConnection(String username, String password) throws SQLException {
				return getConnection();
			}

		};
		assertThatExceptionOfType(StoreException.class)
			.isThrownBy(() -> JdbcSchema.missingTables(down, List.of("onceonly_locks")))
			.withMessageContaining("Could not check the OnceOnly tables [onceonly_locks]")
			.withMessageContaining("Connection refused");
	}

	@Test
	void shouldRefuseANameThatIsNotATableName() {
		try (HikariDataSource dataSource = JdbcGovernanceTestSupport.h2("schema-" + UUID.randomUUID())) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> JdbcSchema.missingTables(dataSource, List.of("x; DROP TABLE y")))
				.withMessageContaining("Invalid OnceOnly table name 'x; DROP TABLE y'");
		}
	}

}
