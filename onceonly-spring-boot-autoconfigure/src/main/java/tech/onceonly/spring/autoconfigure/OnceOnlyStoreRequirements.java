package tech.onceonly.spring.autoconfigure;

import tech.onceonly.spring.autoconfigure.OnceOnlyProperties.StoreType;

/**
 * What each store needs on the classpath and in the context, named with the exact Maven
 * coordinates, for the startup failure report when the chosen store could not be built.
 * The same list is in {@code docs/stores.md} and {@code docs/getting-started.md}.
 */
public final class OnceOnlyStoreRequirements {

	/** The JDBC store's dependencies. */
	public static final String JDBC = "org.springframework.boot:spring-boot-starter-jdbc and the driver "
			+ "(org.postgresql:postgresql for PostgreSQL, org.mariadb.jdbc:mariadb-java-client for MariaDB, "
			+ "com.mysql:mysql-connector-j for MySQL, com.h2database:h2 for H2)";

	/** The Redis store's dependencies. */
	public static final String REDIS = "org.springframework.boot:spring-boot-starter-data-redis";

	private OnceOnlyStoreRequirements() {
	}

	/**
	 * What to do when the store of {@code type} could not be built.
	 * @param type the chosen store type
	 * @return the action for the failure report
	 */
	public static String action(StoreType type) {
		return switch (type) {
			case JDBC -> "The jdbc store needs exactly one DataSource: add " + JDBC + " and set spring.datasource.url "
					+ "(with several DataSources mark one @Primary). Or define an OnceOnlyStore bean, or set "
					+ "onceonly.store.type=memory. See docs/stores.md.";
			case REDIS -> "The redis store needs exactly one RedisConnectionFactory: add " + REDIS
					+ " and set spring.data.redis.url (or host and port). Or define an OnceOnlyStore bean, or set "
					+ "onceonly.store.type=memory. See docs/stores.md.";
			case MEMORY -> "The memory store needs nothing; it is not created when onceonly.mode resolves to remote. "
					+ "Define an OnceOnlyStore bean or check onceonly.mode. See docs/stores.md.";
		};
	}

}
