package tech.onceonly.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

import tech.onceonly.store.AgentState;
import tech.onceonly.store.AuditRecord;
import tech.onceonly.store.AuditSummary;
import tech.onceonly.store.EventRecord;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.PolicyRecord;
import tech.onceonly.store.ReserveOutcome;
import tech.onceonly.store.StoreException;
import tech.onceonly.store.ToolRecord;
import tech.onceonly.store.UsageLimits;
import tech.onceonly.store.UsageRequest;
import tech.onceonly.store.UsageSnapshot;

/**
 * A governance store in a relational database (PostgreSQL, MariaDB/MySQL or H2) shared by
 * every JVM that uses the same tables (the {@code onceonly_gov_*} tables of the JDBC
 * store's schema script). Time is the database clock plus an optional shift that only the
 * tests set, as for {@link JdbcStore}.
 * <p>
 * A reservation is one short transaction that locks the agent's row
 * ({@code SELECT … FOR UPDATE}), reads its three counters, and updates them only when
 * every limit holds, so concurrent reservations of one agent are serialised in the
 * database and can never overspend together, across JVMs. Audit rows and events are kept
 * for the retention period and purged as writes go by. Statements run on their own
 * connections, outside any transaction of the caller, and every write commits even when
 * the pool's connections are not auto-commit.
 */
public final class JdbcGovernanceStore implements GovernanceStore {

	/** The default retention of audit rows and events. */
	public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

	private static final Log logger = LogFactory.getLog(JdbcGovernanceStore.class);

	private static final int PURGE_EVERY_WRITES = 1024;

	private static final Pattern TABLE_PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private static final String AUDIT_COLUMNS = "ts, agent_id, tool, decision, policy_reason, risk_level, args_hash, "
			+ "spend_micros, run_id";

	private static final String TOOL_COLUMNS = "scope_id, name, url, auth_type, secret, timeout_ms, max_retries, "
			+ "enabled, description, risk_level, created_at, updated_at";

	private final DataSource dataSource;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final JdbcStore.Platform platform;

	private final String prefix;

	private final Duration retention;

	private final AtomicLong writes = new AtomicLong();

	private volatile long timeOffsetMillis;

	/**
	 * A store on {@code dataSource} with the default table prefix and a 7-day retention.
	 */
	public JdbcGovernanceStore(DataSource dataSource) {
		this(dataSource, JdbcStore.DEFAULT_TABLE_PREFIX, null, DEFAULT_RETENTION);
	}

	/**
	 * A store on {@code dataSource}.
	 * @param dataSource the database
	 * @param tablePrefix the prefix of the table names, as for {@link JdbcStore}
	 * @param platform the database platform, or {@code null} to detect it
	 * @param retention how long audit rows and events are kept
	 */
	public JdbcGovernanceStore(DataSource dataSource, String tablePrefix, JdbcStore.@Nullable Platform platform,
			Duration retention) {
		Objects.requireNonNull(dataSource, "dataSource");
		if (!TABLE_PREFIX.matcher(tablePrefix).matches()) {
			throw new IllegalArgumentException("Invalid OnceOnly table prefix '" + tablePrefix
					+ "': use letters, digits and underscores (optionally schema.prefix)");
		}
		if (retention.isNegative() || retention.isZero()) {
			throw new IllegalArgumentException("retention must be positive, was " + retention);
		}
		this.dataSource = dataSource;
		this.prefix = tablePrefix;
		this.platform = (platform != null) ? platform : JdbcStore.Platform.detect(dataSource);
		this.retention = retention;
		DataSource own = new AutoCommitDataSource(dataSource);
		this.jdbc = new JdbcTemplate(own);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(own));
	}

	/**
	 * Shifts the store's clock by {@code offset} on top of the database clock (tests move
	 * time this way).
	 */
	void setTimeOffset(Duration offset) {
		this.timeOffsetMillis = offset.toMillis();
	}

	/** The current shift of the store's clock. */
	Duration getTimeOffset() {
		return Duration.ofMillis(this.timeOffsetMillis);
	}

	/**
	 * Creates the JDBC store's tables, the governance tables included, when they do not
	 * exist.
	 */
	public void initializeSchema() {
		String script = JdbcStore.schemaScript(this.platform, this.prefix);
		try {
			new ResourceDatabasePopulator(new ByteArrayResource(script.getBytes(StandardCharsets.UTF_8),
					"OnceOnly " + this.platform + " schema"))
				.execute(this.dataSource);
		}
		catch (DataAccessException ex) {
			throw new StoreException(
					"Could not create the OnceOnly governance tables (" + this.prefix + "gov_*): " + ex.getMessage(),
					ex);
		}
	}

	private String table(String name) {
		return this.prefix + "gov_" + name;
	}

	@Override
	public String type() {
		return "jdbc";
	}

	@Override
	public Instant now() {
		return Instant.ofEpochMilli(nowMillis());
	}

	private long nowMillis() {
		String sql = switch (this.platform) {
			case POSTGRESQL -> "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint + ?::bigint";
			case MARIADB -> "SELECT " + MariaDbSql.NOW;
			case H2 -> "SELECT CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT) + CAST(? AS BIGINT)";
		};
		Long now = run("read the clock", () -> this.jdbc.queryForObject(sql, Long.class, this.timeOffsetMillis));
		return Objects.requireNonNull(now);
	}

	/**
	 * Runs one store operation; a serialization failure or deadlock (the statement or
	 * transaction was rolled back, see {@link TransientFailures}) runs it again after a
	 * short random pause, up to {@link TransientFailures#MAX_ATTEMPTS} times. Every
	 * operation is safe to repeat after a rollback: a single statement, a transaction, or
	 * an update-else-insert that stops at the first statement that wrote.
	 */
	private <T> T run(String what, Supplier<T> action) {
		for (int attempt = 1;; attempt++) {
			try {
				return action.get();
			}
			catch (DataAccessException | TransactionException ex) {
				boolean retry = attempt < TransientFailures.MAX_ATTEMPTS && TransientFailures.isTransient(ex)
						&& TransientFailures.backOff(attempt);
				if (!retry) {
					String attempts = TransientFailures.isTransient(ex) ? " after " + attempt + " attempts" : "";
					throw new StoreException("The OnceOnly JDBC governance store could not " + what + " ("
							+ this.platform + ", tables " + this.prefix + "gov_*)" + attempts + ": "
							+ StoreException.describe(ex.getMostSpecificCause()), ex);
				}
			}
		}
	}

	/**
	 * Inserts, or updates when the row exists (an insert that loses a race becomes the
	 * update).
	 */
	private void upsert(String update, Object[] updateArgs, String insert, Object[] insertArgs) {
		if (this.jdbc.update(update, updateArgs) > 0) {
			return;
		}
		try {
			this.jdbc.update(insert, insertArgs);
		}
		catch (DuplicateKeyException ex) {
			this.jdbc.update(update, updateArgs);
		}
	}

	// ---- policies and agents

	@Override
	public PolicyRecord putPolicy(String agentId, String policyJson) {
		long now = nowMillis();
		run("store the policy", () -> {
			upsert("UPDATE " + table("policies") + " SET policy = ?, updated_at = ? WHERE agent_id = ?",
					new Object[] { policyJson, now, agentId },
					"INSERT INTO " + table("policies") + " (agent_id, policy, updated_at) VALUES (?, ?, ?)",
					new Object[] { agentId, policyJson, now });
			return null;
		});
		return new PolicyRecord(agentId, policyJson, Instant.ofEpochMilli(now));
	}

	@Override
	public @Nullable PolicyRecord getPolicy(String agentId) {
		return run("read the policy",
				() -> first(this.jdbc.query(
						"SELECT agent_id, policy, updated_at FROM " + table("policies") + " WHERE agent_id = ?",
						JdbcGovernanceStore::policy, agentId)));
	}

	@Override
	public List<PolicyRecord> listPolicies() {
		return run("list the policies",
				() -> this.jdbc.query(
						"SELECT agent_id, policy, updated_at FROM " + table("policies") + " ORDER BY agent_id",
						JdbcGovernanceStore::policy));
	}

	private static PolicyRecord policy(ResultSet rs, int row) throws SQLException {
		return new PolicyRecord(rs.getString("agent_id"), rs.getString("policy"),
				Instant.ofEpochMilli(rs.getLong("updated_at")));
	}

	@Override
	public AgentState setAgentEnabled(String agentId, boolean enabled, @Nullable String reason) {
		long now = nowMillis();
		String storedReason = enabled ? null : reason;
		Long disabledAt = enabled ? null : now;
		run("change the agent", () -> {
			upsert("UPDATE " + table("agents") + " SET enabled = ?, disabled_reason = ?, disabled_at = ? "
					+ "WHERE agent_id = ?", new Object[] { enabled, storedReason, disabledAt, agentId },
					"INSERT INTO " + table("agents") + " (agent_id, enabled, disabled_reason, disabled_at) "
							+ "VALUES (?, ?, ?, ?)",
					new Object[] { agentId, enabled, storedReason, disabledAt });
			return null;
		});
		return enabled ? AgentState.enabled(agentId)
				: new AgentState(agentId, false, reason, Instant.ofEpochMilli(now));
	}

	@Override
	public AgentState getAgent(String agentId) {
		AgentState state = run("read the agent", () -> first(this.jdbc.query("SELECT agent_id, enabled, "
				+ "disabled_reason, disabled_at FROM " + table("agents") + " WHERE agent_id = ?", (rs, row) -> {
					long at = rs.getLong("disabled_at");
					Instant disabledAt = rs.wasNull() ? null : Instant.ofEpochMilli(at);
					return new AgentState(rs.getString("agent_id"), rs.getBoolean("enabled"),
							rs.getString("disabled_reason"), disabledAt);
				}, agentId)));
		return (state != null) ? state : AgentState.enabled(agentId);
	}

	// ---- counters

	private static String hourKey(UsageRequest request) {
		return "h:" + request.hour().toEpochMilli();
	}

	private static String toolKey(UsageRequest request) {
		return "t:" + request.day() + ":" + request.tool();
	}

	private static String spendKey(UsageRequest request) {
		return "s:" + request.day();
	}

	private static long expiry(UsageRequest request) {
		return request.day().plusDays(3).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
	}

	@Override
	public ReserveOutcome reserve(UsageRequest request) {
		ReserveOutcome outcome = run("reserve usage", () -> this.transactions.execute((status) -> {
			lockAgent(request.agentId());
			Map<String, Long> current = counters(request);
			UsageLimits limits = request.limits();
			long actions = current.getOrDefault(hourKey(request), 0L);
			long calls = current.getOrDefault(toolKey(request), 0L);
			long spent = current.getOrDefault(spendKey(request), 0L);
			if (limits.maxActionsPerHour() != null && actions + 1 > limits.maxActionsPerHour()) {
				return ReserveOutcome.MAX_ACTIONS_PER_HOUR_EXCEEDED;
			}
			if (limits.maxCallsPerToolPerDay() != null && calls + 1 > limits.maxCallsPerToolPerDay()) {
				return ReserveOutcome.MAX_CALLS_PER_TOOL_EXCEEDED;
			}
			if (limits.maxSpendMicrosPerDay() != null && request.spendMicros() > 0
					&& spent + request.spendMicros() > limits.maxSpendMicrosPerDay()) {
				return ReserveOutcome.MAX_SPEND_USD_PER_DAY_EXCEEDED;
			}
			add(request, hourKey(request), 1);
			add(request, toolKey(request), 1);
			add(request, spendKey(request), request.spendMicros());
			return ReserveOutcome.RESERVED;
		}));
		purgeNowAndThen();
		return Objects.requireNonNull(outcome);
	}

	private void lockAgent(String agentId) {
		List<Boolean> found = this.jdbc.query(
				"SELECT enabled FROM " + table("agents") + " WHERE agent_id = ? FOR UPDATE",
				(rs, row) -> rs.getBoolean(1), agentId);
		if (!found.isEmpty()) {
			return;
		}
		if (this.platform == JdbcStore.Platform.POSTGRESQL) {
			// a failed statement would abort the transaction, so the insert must not fail
			this.jdbc.update("INSERT INTO " + table("agents") + " (agent_id, enabled) VALUES (?, ?) "
					+ "ON CONFLICT (agent_id) DO NOTHING", agentId, true);
		}
		else if (this.platform == JdbcStore.Platform.MARIADB) {
			// InnoDB keeps the shared lock of a failed duplicate insert until the end of
			// the
			// transaction, and upgrading it below could deadlock with another
			// reservation:
			// a no-op update on the duplicate takes the exclusive lock at once instead
			this.jdbc.update("INSERT INTO " + table("agents") + " (agent_id, enabled) VALUES (?, ?) "
					+ "ON DUPLICATE KEY UPDATE agent_id = agent_id", agentId, true);
		}
		else {
			try {
				this.jdbc.update("INSERT INTO " + table("agents") + " (agent_id, enabled) VALUES (?, ?)", agentId,
						true);
			}
			catch (DuplicateKeyException ex) {
				// another reservation created the row first; locking it below waits for
				// that transaction
			}
		}
		this.jdbc.query("SELECT enabled FROM " + table("agents") + " WHERE agent_id = ? FOR UPDATE",
				(rs, row) -> rs.getBoolean(1), agentId);
	}

	private Map<String, Long> counters(UsageRequest request) {
		Map<String, Long> values = new HashMap<>();
		this.jdbc.query("SELECT counter_key, counter_value FROM " + table("counters")
				+ " WHERE agent_id = ? AND counter_key IN (?, ?, ?)", (rs) -> {
					values.put(rs.getString(1), rs.getLong(2));
				}, request.agentId(), hourKey(request), toolKey(request), spendKey(request));
		return values;
	}

	private void add(UsageRequest request, String key, long delta) {
		upsert("UPDATE " + table("counters") + " SET counter_value = counter_value + ? WHERE agent_id = ? "
				+ "AND counter_key = ?", new Object[] { delta, request.agentId(), key },
				"INSERT INTO " + table("counters") + " (agent_id, counter_key, counter_value, expires_at) "
						+ "VALUES (?, ?, ?, ?)",
				new Object[] { request.agentId(), key, delta, expiry(request) });
	}

	@Override
	public void release(UsageRequest request) {
		run("release usage", () -> {
			this.transactions.executeWithoutResult((status) -> {
				lockAgent(request.agentId());
				for (Object[] change : new Object[][] { { hourKey(request), 1L }, { toolKey(request), 1L },
						{ spendKey(request), request.spendMicros() } }) {
					this.jdbc.update(
							"UPDATE " + table("counters") + " SET counter_value = CASE WHEN counter_value > ? "
									+ "THEN counter_value - ? ELSE 0 END WHERE agent_id = ? AND counter_key = ?",
							change[1], change[1], request.agentId(), change[0]);
				}
			});
			return null;
		});
	}

	@Override
	public UsageSnapshot usage(UsageRequest request) {
		Map<String, Long> values = run("read usage", () -> counters(request));
		return new UsageSnapshot(values.getOrDefault(hourKey(request), 0L), values.getOrDefault(toolKey(request), 0L),
				values.getOrDefault(spendKey(request), 0L));
	}

	/**
	 * Every {@code PURGE_EVERY_WRITES} writes, purges old rows. A failed purge never
	 * fails the write that triggered it (that write is committed): it is logged, and the
	 * next purge catches up.
	 */
	private void purgeNowAndThen() {
		if (this.writes.incrementAndGet() % PURGE_EVERY_WRITES == 0) {
			try {
				purge();
			}
			catch (RuntimeException ex) {
				logger.warn("OnceOnly governance store: purging old rows failed; retried after further writes ("
						+ ex.getMessage() + ")");
			}
		}
	}

	/**
	 * Deletes counters of past windows and audit rows and events past retention; returns
	 * how many rows went.
	 */
	public int purge() {
		long now = nowMillis();
		long oldest = now - this.retention.toMillis();
		return run("purge old rows",
				() -> this.jdbc.update("DELETE FROM " + table("counters") + " WHERE expires_at < ?", now)
						+ this.jdbc.update("DELETE FROM " + table("audit") + " WHERE ts < ?", oldest)
						+ this.jdbc.update("DELETE FROM " + table("events") + " WHERE ts < ?", oldest));
	}

	/**
	 * Deletes at most {@code limit} rows of one governance table that no longer matter:
	 * {@code counters} of past windows, {@code audit} rows or {@code events} past
	 * retention; returns how many went. For {@link JdbcPurge}.
	 */
	int purgeBatch(String name, int limit) {
		long now = nowMillis();
		return switch (name) {
			case "counters" -> run("purge old counters", () -> JdbcStore.boundedDelete(this.jdbc, this.platform,
					table("counters"), "expires_at < ?", now, limit));
			case "audit", "events" -> run("purge old " + name, () -> JdbcStore.boundedDelete(this.jdbc, this.platform,
					table(name), "ts < ?", now - this.retention.toMillis(), limit));
			default -> throw new IllegalArgumentException("No governance table to purge named " + name);
		};
	}

	// ---- audit

	@Override
	public void appendAudit(AuditRecord record) {
		run("append to the audit log",
				() -> this.jdbc.update(
						"INSERT INTO " + table("audit") + " (" + AUDIT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
						record.ts().toEpochMilli(), record.agentId(), record.tool(), record.decision(),
						record.policyReason(), record.riskLevel(), record.argsHash(), record.spendMicros(),
						record.runId()));
		purgeNowAndThen();
	}

	@Override
	public List<AuditRecord> listAudit(String agentId, int limit) {
		long oldest = nowMillis() - this.retention.toMillis();
		return run("read the audit log",
				() -> this.jdbc.query(
						"SELECT " + AUDIT_COLUMNS + " FROM " + table("audit")
								+ " WHERE agent_id = ? AND ts >= ? ORDER BY id DESC LIMIT ?",
						JdbcGovernanceStore::audit, agentId, oldest, limit));
	}

	private static AuditRecord audit(ResultSet rs, int row) throws SQLException {
		return new AuditRecord(Instant.ofEpochMilli(rs.getLong("ts")), rs.getString("agent_id"), rs.getString("tool"),
				rs.getString("decision"), rs.getString("policy_reason"), rs.getString("risk_level"),
				rs.getString("args_hash"), rs.getLong("spend_micros"), rs.getString("run_id"));
	}

	@Override
	public AuditSummary summarizeAudit(String agentId, Instant from, Instant to, int topTools) {
		long start = Math.max(from.toEpochMilli(), nowMillis() - this.retention.toMillis());
		long end = to.toEpochMilli() + ((to.getNano() % 1_000_000 != 0) ? 1 : 0);
		return run("summarize the audit log", () -> {
			long[] totals = this.jdbc.queryForObject(
					"SELECT COUNT(*), COALESCE(SUM(CASE WHEN decision = 'blocked' "
							+ "THEN 1 ELSE 0 END), 0), COALESCE(SUM(spend_micros), 0) FROM " + table("audit")
							+ " WHERE agent_id = ? AND ts >= ? AND ts < ?",
					(rs, row) -> new long[] { rs.getLong(1), rs.getLong(2), rs.getLong(3) }, agentId, start, end);
			List<AuditSummary.ToolCount> top = this.jdbc.query("SELECT tool, COUNT(*) AS calls FROM " + table("audit")
					+ " WHERE agent_id = ? AND ts >= ? AND ts < ? GROUP BY tool ORDER BY calls DESC, tool LIMIT ?",
					(rs, row) -> new AuditSummary.ToolCount(rs.getString(1), rs.getLong(2)), agentId, start, end,
					topTools);
			return new AuditSummary(totals[0], totals[1], totals[2], top);
		});
	}

	// ---- tools

	@Override
	public ToolRecord putTool(ToolRecord tool) {
		long now = nowMillis();
		run("store the tool", () -> {
			upsert("UPDATE " + table("tools") + " SET url = ?, auth_type = ?, secret = ?, timeout_ms = ?, "
					+ "max_retries = ?, enabled = ?, description = ?, risk_level = ?, updated_at = ? "
					+ "WHERE scope_id = ? AND name = ?",
					new Object[] { tool.url(), tool.authType(), tool.secret(), tool.timeoutMs(), tool.maxRetries(),
							tool.enabled(), tool.description(), tool.riskLevel(), now, tool.scopeId(), tool.name() },
					"INSERT INTO " + table("tools") + " (" + TOOL_COLUMNS
							+ ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
					new Object[] { tool.scopeId(), tool.name(), tool.url(), tool.authType(), tool.secret(),
							tool.timeoutMs(), tool.maxRetries(), tool.enabled(), tool.description(), tool.riskLevel(),
							now, now });
			return null;
		});
		return Objects.requireNonNull(getTool(tool.scopeId(), tool.name()));
	}

	@Override
	public @Nullable ToolRecord getTool(String scopeId, String name) {
		return run("read the tool",
				() -> first(this.jdbc.query(
						"SELECT " + TOOL_COLUMNS + " FROM " + table("tools") + " WHERE scope_id = ? AND name = ?",
						JdbcGovernanceStore::tool, scopeId, name)));
	}

	@Override
	public List<ToolRecord> listTools(String scopeId) {
		return run("list the tools",
				() -> this.jdbc.query(
						"SELECT " + TOOL_COLUMNS + " FROM " + table("tools") + " WHERE scope_id = ? ORDER BY name",
						JdbcGovernanceStore::tool, scopeId));
	}

	@Override
	public @Nullable ToolRecord setToolEnabled(String scopeId, String name, boolean enabled) {
		long now = nowMillis();
		int updated = run("toggle the tool",
				() -> this.jdbc.update(
						"UPDATE " + table("tools") + " SET enabled = ?, updated_at = ? WHERE scope_id = ? AND name = ?",
						enabled, now, scopeId, name));
		return (updated > 0) ? getTool(scopeId, name) : null;
	}

	@Override
	public boolean deleteTool(String scopeId, String name) {
		return run("delete the tool", () -> this.jdbc
			.update("DELETE FROM " + table("tools") + " WHERE scope_id = ? AND name = ?", scopeId, name) > 0);
	}

	private static ToolRecord tool(ResultSet rs, int row) throws SQLException {
		return new ToolRecord(rs.getString("scope_id"), rs.getString("name"), rs.getString("url"),
				rs.getString("auth_type"), rs.getString("secret"), rs.getInt("timeout_ms"), rs.getInt("max_retries"),
				rs.getBoolean("enabled"), rs.getString("description"), rs.getString("risk_level"),
				Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at")));
	}

	// ---- events

	@Override
	public EventRecord appendEvent(String runId, String eventJson) {
		long now = nowMillis();
		KeyHolder keys = new GeneratedKeyHolder();
		run("append the event", () -> this.jdbc.update((connection) -> {
			PreparedStatement statement = connection.prepareStatement(
					"INSERT INTO " + table("events") + " (run_id, ts, event) VALUES (?, ?, ?)", new String[] { "id" });
			statement.setString(1, runId);
			statement.setLong(2, now);
			statement.setObject(3, eventJson, Types.VARCHAR);
			return statement;
		}, keys));
		purgeNowAndThen();
		Number id = Objects.requireNonNull(keys.getKey(), "generated event id");
		return new EventRecord(id.longValue(), runId, Instant.ofEpochMilli(now), eventJson);
	}

	@Override
	public List<EventRecord> listRunEvents(String runId, int limit, int offset) {
		long oldest = nowMillis() - this.retention.toMillis();
		return run("read the timeline",
				() -> this.jdbc.query(
						"SELECT id, run_id, ts, event FROM " + table("events")
								+ " WHERE run_id = ? AND ts >= ? ORDER BY id LIMIT ? OFFSET ?",
						JdbcGovernanceStore::event, runId, oldest, limit, offset));
	}

	@Override
	public long countRunEvents(String runId) {
		long oldest = nowMillis() - this.retention.toMillis();
		Long count = run("count the timeline",
				() -> this.jdbc.queryForObject(
						"SELECT COUNT(*) FROM " + table("events") + " WHERE run_id = ? AND ts >= ?", Long.class, runId,
						oldest));
		return (count != null) ? count : 0;
	}

	@Override
	public List<EventRecord> listRecentEvents(int limit, int offset) {
		long oldest = nowMillis() - this.retention.toMillis();
		return run("read the events",
				() -> this.jdbc.query(
						"SELECT id, run_id, ts, event FROM " + table("events")
								+ " WHERE ts >= ? ORDER BY id DESC LIMIT ? OFFSET ?",
						JdbcGovernanceStore::event, oldest, limit, offset));
	}

	private static EventRecord event(ResultSet rs, int row) throws SQLException {
		return new EventRecord(rs.getLong("id"), rs.getString("run_id"), Instant.ofEpochMilli(rs.getLong("ts")),
				rs.getString("event"));
	}

	private static <T> @Nullable T first(List<T> rows) {
		return rows.isEmpty() ? null : rows.get(0);
	}

}
