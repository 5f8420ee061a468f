package tech.onceonly.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import tech.onceonly.store.StoreException;

/**
 * The tables of the JDBC store's schema ({@link JdbcStore} and
 * {@link JdbcGovernanceStore}) and a check that they exist, run once at startup so that a
 * missing table fails the startup instead of every guarded call.
 */
public final class JdbcSchema {

	private static final String UNDEFINED_OR_NOT_ALLOWED = "42";

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private JdbcSchema() {
	}

	/**
	 * The tables {@link JdbcStore} uses under {@code tablePrefix}.
	 * @param tablePrefix the table prefix (as {@code onceonly.store.jdbc.table-prefix})
	 * @return the locks and leases tables
	 */
	public static List<String> storeTables(String tablePrefix) {
		return List.of(tablePrefix + "locks", tablePrefix + "leases");
	}

	/**
	 * The tables {@link JdbcGovernanceStore} uses under {@code tablePrefix}.
	 * @param tablePrefix the table prefix (as {@code onceonly.store.jdbc.table-prefix})
	 * @return the governance tables
	 */
	public static List<String> governanceTables(String tablePrefix) {
		List<String> tables = new ArrayList<>();
		for (String name : List.of("policies", "agents", "counters", "audit", "tools", "events")) {
			tables.add(tablePrefix + "gov_" + name);
		}
		return List.copyOf(tables);
	}

	/**
	 * The tables of {@code tables} that this connection cannot read: missing, or (rarely)
	 * not readable by the database user. A table counts as missing when reading no row of
	 * it fails with an SQL state of class 42 (undefined object or access rule violation).
	 * @param dataSource the database
	 * @param tables the table names, as the store's statements name them
	 * @return the missing tables, in the order given; empty when all exist
	 * @throws StoreException when the database cannot be asked at all
	 */
	public static List<String> missingTables(DataSource dataSource, Collection<String> tables) {
		Objects.requireNonNull(dataSource, "dataSource");
		for (String table : tables) {
			if (!TABLE_NAME.matcher(table).matches()) {
				throw new IllegalArgumentException("Invalid OnceOnly table name '" + table
						+ "': use letters, digits and underscores (optionally schema.table)");
			}
		}
		List<String> missing = new ArrayList<>();
		try (Connection connection = new AutoCommitDataSource(dataSource).getConnection()) {
			for (String table : tables) {
				try (Statement statement = connection.createStatement()) {
					statement.executeQuery("SELECT 1 FROM " + table + " WHERE 1 = 0").close();
				}
				catch (SQLException ex) {
					String state = ex.getSQLState();
					if (state == null || !state.startsWith(UNDEFINED_OR_NOT_ALLOWED)) {
						throw ex;
					}
					missing.add(table);
				}
			}
		}
		catch (SQLException ex) {
			throw new StoreException("Could not check the OnceOnly tables " + tables + ": " + ex.getMessage(), ex);
		}
		return List.copyOf(missing);
	}

}
