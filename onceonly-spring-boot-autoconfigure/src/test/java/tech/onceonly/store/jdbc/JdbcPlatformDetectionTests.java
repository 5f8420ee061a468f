package tech.onceonly.store.jdbc;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;

import javax.sql.DataSource;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import tech.onceonly.store.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The platform of a data source, from the product name its driver reports: MariaDB's
 * driver says {@code MariaDB} on MariaDB and {@code MySQL} on MySQL, MySQL's driver says
 * {@code MySQL} on both.
 */
class JdbcPlatformDetectionTests {

	@ParameterizedTest
	@CsvSource({ "PostgreSQL, POSTGRESQL", "MariaDB, MARIADB", "MySQL, MARIADB", "H2, H2" })
	void productNameShouldChooseThePlatform(String product, JdbcStore.Platform platform) {
		assertThat(JdbcStore.Platform.detect(dataSourceOf(product))).isEqualTo(platform);
	}

	@ParameterizedTest
	@ValueSource(strings = { "Oracle", "Microsoft SQL Server", "HSQL Database Engine" })
	void anUnsupportedDatabaseShouldBeRefusedNamingTheSupportedOnes(String product) {
		assertThatExceptionOfType(StoreException.class)
			.isThrownBy(() -> JdbcStore.Platform.detect(dataSourceOf(product)))
			.withMessageContaining("supports PostgreSQL, MariaDB, MySQL and H2, not " + product)
			.withMessageContaining("onceonly.store.type=redis or memory");
	}

	private static DataSource dataSourceOf(String product) {
		DatabaseMetaData metaData = proxy(DatabaseMetaData.class, (method) -> switch (method) {
			case "getDatabaseProductName" -> product;
			default -> null;
		});
		Connection connection = proxy(Connection.class, (method) -> switch (method) {
			case "getMetaData" -> metaData;
			default -> null;
		});
		return proxy(DataSource.class, (method) -> method.equals("getConnection") ? connection : null);
	}

	@SuppressWarnings("unchecked")
	private static <T> T proxy(Class<T> type, java.util.function.Function<String, Object> answers) {
		return (T) Proxy.newProxyInstance(JdbcPlatformDetectionTests.class.getClassLoader(), new Class<?>[] { type },
				(proxy, method, args) -> {
					Object answer = answers.apply(method.getName());
					if (answer == null && method.getReturnType() == boolean.class) {
						return false;
					}
					if (answer == null && method.getReturnType() == int.class) {
						return 0;
					}
					return answer;
				});
	}

}
