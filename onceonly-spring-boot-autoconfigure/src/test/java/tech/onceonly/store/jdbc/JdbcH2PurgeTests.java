package tech.onceonly.store.jdbc;

import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/** The scheduled purge on H2. */
class JdbcH2PurgeTests extends AbstractJdbcPurgeTests {

	@Override
	protected DataSource dataSource() {
		return JdbcGovernanceTestSupport.h2("purge-" + UUID.randomUUID());
	}

	@Override
	protected void close(DataSource dataSource) {
		((HikariDataSource) dataSource).close();
	}

}
