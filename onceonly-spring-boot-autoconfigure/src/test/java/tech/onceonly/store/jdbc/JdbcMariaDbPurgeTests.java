package tech.onceonly.store.jdbc;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/** The scheduled purge on MariaDB ({@code ONCEONLY_TEST_MARIADB_URL}). */
class JdbcMariaDbPurgeTests extends AbstractJdbcPurgeTests {

	@Override
	protected DataSource dataSource() {
		return MariaDbTestDataSources.create(12);
	}

	@Override
	protected void close(DataSource dataSource) {
		((HikariDataSource) dataSource).close();
	}

}
