package tech.onceonly.store.jdbc;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/** The scheduled purge on PostgreSQL ({@code ONCEONLY_TEST_POSTGRES_URL}). */
class JdbcPostgresPurgeTests extends AbstractJdbcPurgeTests {

	@Override
	protected DataSource dataSource() {
		return PostgresTestDataSources.create(12);
	}

	@Override
	protected void close(DataSource dataSource) {
		((HikariDataSource) dataSource).close();
	}

}
