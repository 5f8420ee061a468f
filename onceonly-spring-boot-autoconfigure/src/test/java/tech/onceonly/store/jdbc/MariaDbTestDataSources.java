package tech.onceonly.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;

import tech.onceonly.store.TestServices;

/**
 * Pools on the test MariaDB ({@code ONCEONLY_TEST_MARIADB_URL}, whose URL carries the
 * user and password).
 */
final class MariaDbTestDataSources {

	private MariaDbTestDataSources() {
	}

	/**
	 * A pool of at most {@code size} connections, failing fast when the server is down.
	 */
	static HikariDataSource create(int size) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(TestServices.mariadbUrl());
		dataSource.setMaximumPoolSize(size);
		dataSource.setConnectionTimeout(2000);
		dataSource.setInitializationFailTimeout(-1);
		return dataSource;
	}

}
