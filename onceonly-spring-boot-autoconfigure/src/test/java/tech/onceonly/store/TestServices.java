package tech.onceonly.store;

import org.junit.jupiter.api.Assumptions;

/**
 * Where the test PostgreSQL, MariaDB and Redis run, from the environment
 * ({@code .ci/services.sh} exports the variables) or from system properties of the same
 * name.
 */
public final class TestServices {

	/** The JDBC URL of the test PostgreSQL database (user postgres, no password). */
	public static final String POSTGRES_URL = "ONCEONLY_TEST_POSTGRES_URL";

	/**
	 * The JDBC URL of the test MariaDB database, user and password included
	 * ({@code jdbc:mariadb://127.0.0.1:3307/onceonly?user=…&password=…}).
	 */
	public static final String MARIADB_URL = "ONCEONLY_TEST_MARIADB_URL";

	/** The URL of the test Redis, {@code redis://host:port}. */
	public static final String REDIS_URL = "ONCEONLY_TEST_REDIS_URL";

	/**
	 * The nodes of the test Redis Cluster, {@code host:port,host:port,...} (three
	 * masters, one replica each).
	 */
	public static final String REDIS_CLUSTER_NODES = "ONCEONLY_TEST_REDIS_CLUSTER_NODES";

	private TestServices() {
	}

	/** The JDBC URL of the test PostgreSQL; see {@link #require(String)}. */
	public static String postgresUrl() {
		return require(POSTGRES_URL);
	}

	/** The JDBC URL of the test MariaDB; see {@link #require(String)}. */
	public static String mariadbUrl() {
		return require(MARIADB_URL);
	}

	/** The URL of the test Redis; see {@link #require(String)}. */
	public static String redisUrl() {
		return require(REDIS_URL);
	}

	/** The nodes of the test Redis Cluster; see {@link #require(String)}. */
	public static String redisClusterNodes() {
		return require(REDIS_CLUSTER_NODES);
	}

	/**
	 * The value of {@code name}. When it is missing, a CI build (env {@code CI=true})
	 * fails, because a store that is silently not tested is a store that is not tested; a
	 * developer's machine without the servers skips instead.
	 */
	public static String require(String name) {
		String value = System.getProperty(name, System.getenv(name));
		if (value != null && !value.isBlank()) {
			return value;
		}
		String message = name + " is not set: run `source .ci/services.sh && onceonly_services_start` first";
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			throw new IllegalStateException(message + " (CI=true, so this test must not be skipped)");
		}
		// Outside CI a missing server is a local setup matter, not a failure: skip, and
		// say why.
		Assumptions.abort(message);
		throw new IllegalStateException(message);
	}

}
