package tech.onceonly.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;

import tech.onceonly.store.TestServices;

/** Pools on the test PostgreSQL. */
final class PostgresTestDataSources {

	private PostgresTestDataSources() {
	}

	/**
	 * A pool of at most {@code size} connections as user postgres (trust auth), failing
	 * fast when the server is down.
	 */
	static HikariDataSource create(int size) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(TestServices.postgresUrl());
		dataSource.setUsername("postgres");
		dataSource.setMaximumPoolSize(size);
		dataSource.setConnectionTimeout(2000);
		dataSource.setInitializationFailTimeout(-1);
		return dataSource;
	}

}
