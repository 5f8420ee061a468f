package tech.onceonly.spring.autoconfigure.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.dao.DataAccessException;

import tech.onceonly.spring.autoconfigure.OnceOnlyConfigurationException;
import tech.onceonly.store.jdbc.JdbcSchema;
import tech.onceonly.store.jdbc.JdbcStore;

/**
 * Creates the JDBC store's tables (leases, locks and the governance tables) that are
 * missing, the way Spring Boot's own schema initialisers do: driven by
 * {@code onceonly.store.jdbc.initialize-schema} (a {@link DatabaseInitializationMode}),
 * with the platform's script ({@code tech/onceonly/store/jdbc/schema-<platform>.sql}) and
 * the table prefix applied. Being a {@link DataSourceScriptDatabaseInitializer}, it is
 * ordered with Flyway, Liquibase and {@code spring.sql.init}: beans that
 * {@code @DependsOnDatabaseInitialization} (the OnceOnly stores) wait for all of them.
 * Logs one line when it created a table.
 */
public class OnceOnlyJdbcSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	private static final Log logger = LogFactory.getLog(OnceOnlyJdbcSchemaInitializer.class);

	private final JdbcStore.Platform platform;

	private final String tablePrefix;

	/**
	 * An initialiser of the tables under {@code tablePrefix}.
	 * @param dataSource the database
	 * @param platform the database platform whose script to run
	 * @param tablePrefix the table prefix ({@code onceonly.store.jdbc.table-prefix})
	 * @param mode when to run the script
	 */
	public OnceOnlyJdbcSchemaInitializer(DataSource dataSource, JdbcStore.Platform platform, String tablePrefix,
			DatabaseInitializationMode mode) {
		super(dataSource, settings(platform, mode));
		// fails for a prefix the script cannot take, before anything runs
		JdbcStore.schemaScript(platform, tablePrefix);
		this.platform = platform;
		this.tablePrefix = tablePrefix;
	}

	private static DatabaseInitializationSettings settings(JdbcStore.Platform platform,
			DatabaseInitializationMode mode) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(List.of("classpath:" + platform.schemaLocation()));
		settings.setMode(mode);
		settings.setContinueOnError(false);
		return settings;
	}

	@Override
	protected void runScripts(Scripts scripts) {
		List<String> tables = new ArrayList<>(JdbcSchema.storeTables(this.tablePrefix));
		tables.addAll(JdbcSchema.governanceTables(this.tablePrefix));
		List<String> missing = JdbcSchema.missingTables(getDataSource(), tables);
		List<Resource> prefixed = new ArrayList<>();
		for (Resource ignored : scripts) {
			// the one script of this platform, with the table prefix applied
			prefixed.add(new ByteArrayResource(
					JdbcStore.schemaScript(this.platform, this.tablePrefix).getBytes(StandardCharsets.UTF_8),
					"OnceOnly " + this.platform.id() + " schema"));
		}
		try {
			super.runScripts(new Scripts(prefixed).continueOnError(scripts.isContinueOnError())
				.separator(scripts.getSeparator())
				.encoding(StandardCharsets.UTF_8));
		}
		catch (DataAccessException ex) {
			throw new OnceOnlyConfigurationException(
					"Could not create the OnceOnly JDBC store's tables " + String.join(", ", missing) + " in the "
							+ this.platform.id() + " database: " + ex.getMostSpecificCause().getMessage(),
					"Let the database user of the application create tables in that schema, or create them once as a "
							+ "user that may (the shipped Flyway or Liquibase migration, or the script "
							+ this.platform.schemaLocation() + ") and set onceonly.store.jdbc.initialize-schema="
							+ "never. See docs/stores.md.");
		}
		if (!missing.isEmpty()) {
			logger.info("OnceOnly: created the JDBC store tables " + String.join(", ", missing) + " ("
					+ this.platform.id() + ", onceonly.store.jdbc.initialize-schema)");
		}
	}

}
