package tech.onceonly.store.redis;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

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
 * A governance store in Redis shared by every JVM that uses the same Redis and key
 * prefix. Time is the Redis clock ({@code TIME}) plus an optional shift that only the
 * tests set, as for {@link RedisStore}.
 * <p>
 * An agent's state, policy, counters and audit log share the hash tag
 * {@code {a:<agent>}}, so a reservation is one Lua script over the agent's three counters
 * (one slot, Redis Cluster safe) that increments them only when every limit holds:
 * concurrent reservations cannot overspend, across JVMs. Counters expire three days after
 * their day; the audit log is a list trimmed to {@code maxAuditPerAgent} rows and read
 * back only within the retention; a run's events are a list under {@code {r:<run>}} plus
 * a shared list of recent events trimmed to {@code maxEvents}, both expiring a retention
 * after their last write. Tools are one hash per scope. Listing policies reads an index
 * set.
 */
public final class RedisGovernanceStore implements GovernanceStore {

	private static final String NOW_PRELUDE = """
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
			""";

	private static final RedisScript<Long> NOW = new DefaultRedisScript<>(NOW_PRELUDE + "return now", Long.class);

	/**
	 * KEYS: hour, tool, spend counters. ARGV: offset, max actions, max calls, max spend
	 * (-1 = none), spend, expiry (store time; turned into a relative expiry so that a
	 * shifted clock never expires a counter early).
	 */
	private static final RedisScript<Long> RESERVE = new DefaultRedisScript<>(NOW_PRELUDE + """
			local actions = tonumber(redis.call('GET', KEYS[1]) or '0')
			local calls = tonumber(redis.call('GET', KEYS[2]) or '0')
			local spent = tonumber(redis.call('GET', KEYS[3]) or '0')
			local spend = tonumber(ARGV[5])
			if tonumber(ARGV[2]) >= 0 and actions + 1 > tonumber(ARGV[2]) then return 1 end
			if tonumber(ARGV[3]) >= 0 and calls + 1 > tonumber(ARGV[3]) then return 2 end
			if tonumber(ARGV[4]) >= 0 and spend > 0 and spent + spend > tonumber(ARGV[4]) then return 3 end
			redis.call('INCRBY', KEYS[1], 1)
			redis.call('INCRBY', KEYS[2], 1)
			redis.call('INCRBY', KEYS[3], ARGV[5])
			for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], math.max(1, tonumber(ARGV[6]) - now)) end
			return 0
			""", Long.class);

	/**
	 * KEYS: hour, tool, spend counters. ARGV: offset (unused), spend. Never below zero.
	 */
	private static final RedisScript<Long> RELEASE = new DefaultRedisScript<>("""
			local amounts = { 1, 1, tonumber(ARGV[2]) }
			for i = 1, 3 do
				local v = tonumber(redis.call('GET', KEYS[i]) or '0')
				if v > 0 then redis.call('SET', KEYS[i], math.max(0, v - amounts[i]), 'KEEPTTL') end
			end
			return 0
			""", Long.class);

	/**
	 * KEYS: tools hash. ARGV: offset, name, record JSON, now. Keeps the stored
	 * created_at.
	 */
	private static final RedisScript<String> PUT_TOOL = new DefaultRedisScript<>(
			NOW_PRELUDE
					+ """
							local record = cjson.decode(ARGV[3])
							local old = redis.call('HGET', KEYS[1], ARGV[2])
							record['updated_at'] = tostring(now)
							if old then record['created_at'] = cjson.decode(old)['created_at'] else record['created_at'] = tostring(now) end
							local text = cjson.encode(record)
							redis.call('HSET', KEYS[1], ARGV[2], text)
							return text
							""",
			String.class);

	/** KEYS: tools hash. ARGV: offset, name, enabled ("1"/"0"). */
	private static final RedisScript<String> TOGGLE_TOOL = new DefaultRedisScript<>(NOW_PRELUDE + """
			local old = redis.call('HGET', KEYS[1], ARGV[2])
			if not old then return '' end
			local record = cjson.decode(old)
			record['enabled'] = (ARGV[3] == '1')
			record['updated_at'] = tostring(now)
			local text = cjson.encode(record)
			redis.call('HSET', KEYS[1], ARGV[2], text)
			return text
			""", String.class);

	/**
	 * KEYS: agent hash. ARGV: offset, disabled at, has reason ("1"/"0"), reason. Disables
	 * the agent in one step: a concurrent reader sees the old or the new state, never an
	 * enabled agent in between (a separate DEL then HSET would show one).
	 */
	private static final RedisScript<Long> DISABLE_AGENT = new DefaultRedisScript<>("""
			redis.call('HSET', KEYS[1], 'enabled', '0', 'disabled_at', ARGV[2])
			if ARGV[3] == '1' then redis.call('HSET', KEYS[1], 'reason', ARGV[4])
			else redis.call('HDEL', KEYS[1], 'reason') end
			return 0
			""", Long.class);

	/** The default retention of audit rows and events. */
	public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

	/** The default bound on audit rows per agent. */
	public static final int DEFAULT_MAX_AUDIT_PER_AGENT = 10_000;

	/** The default bound on the list of recent events. */
	public static final int DEFAULT_MAX_EVENTS = 100_000;

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private final StringRedisTemplate redis;

	private final String prefix;

	private final Duration retention;

	private final int maxAuditPerAgent;

	private final int maxEvents;

	private final JsonMapper json = JsonMapper.builder().build();

	private volatile long timeOffsetMillis;

	/**
	 * A store with the default key prefix ({@code onceonly:gov:}), a 7-day retention, 10
	 * 000 audit rows per agent and 100 000 recent events.
	 */
	public RedisGovernanceStore(RedisConnectionFactory connectionFactory) {
		this(new StringRedisTemplate(connectionFactory), RedisStore.DEFAULT_KEY_PREFIX + "gov:", DEFAULT_RETENTION,
				DEFAULT_MAX_AUDIT_PER_AGENT, DEFAULT_MAX_EVENTS);
	}

	/**
	 * A store.
	 * @param redis the template
	 * @param keyPrefix the prefix of every key
	 * @param retention how long audit rows and events are kept
	 * @param maxAuditPerAgent the most audit rows kept per agent
	 * @param maxEvents the most events kept in the list of recent events
	 */
	public RedisGovernanceStore(StringRedisTemplate redis, String keyPrefix, Duration retention, int maxAuditPerAgent,
			int maxEvents) {
		if (retention.isNegative() || retention.isZero() || maxAuditPerAgent < 1 || maxEvents < 1) {
			throw new IllegalArgumentException("retention must be positive and the bounds at least 1");
		}
		this.redis = Objects.requireNonNull(redis, "redis");
		this.prefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
		this.retention = retention;
		this.maxAuditPerAgent = maxAuditPerAgent;
		this.maxEvents = maxEvents;
	}

	/** The prefix of every key this store writes. */
	public String keyPrefix() {
		return this.prefix;
	}

	/**
	 * Shifts the store's clock by {@code offset} on top of the Redis clock (tests move
	 * time this way).
	 */
	void setTimeOffset(Duration offset) {
		this.timeOffsetMillis = offset.toMillis();
	}

	/** The current shift of the store's clock. */
	Duration getTimeOffset() {
		return Duration.ofMillis(this.timeOffsetMillis);
	}

	private String offset() {
		return Long.toString(this.timeOffsetMillis);
	}

	private String agentKey(String agentId, String suffix) {
		return this.prefix + "{a:" + agentId + "}:" + suffix;
	}

	private <T> T run(String what, Supplier<T> action) {
		try {
			return action.get();
		}
		catch (DataAccessException ex) {
			Throwable cause = (ex.getMostSpecificCause() != null) ? ex.getMostSpecificCause() : ex;
			throw new StoreException("The OnceOnly Redis governance store could not " + what + " (keys " + this.prefix
					+ "*): " + StoreException.describe(cause), ex);
		}
	}

	@Override
	public String type() {
		return "redis";
	}

	@Override
	public Instant now() {
		return Instant.ofEpochMilli(nowMillis());
	}

	private long nowMillis() {
		Long now = run("read the clock", () -> this.redis.execute(NOW, List.of(this.prefix + "{clock}"), offset()));
		return Objects.requireNonNull(now);
	}

	private long oldest() {
		return nowMillis() - this.retention.toMillis();
	}

	// ---- policies and agents

	@Override
	public PolicyRecord putPolicy(String agentId, String policyJson) {
		long now = nowMillis();
		run("store the policy", () -> {
			this.redis.opsForHash()
				.putAll(agentKey(agentId, "policy"), Map.of("json", policyJson, "updated_at", Long.toString(now)));
			this.redis.opsForSet().add(this.prefix + "policies", agentId);
			return null;
		});
		return new PolicyRecord(agentId, policyJson, Instant.ofEpochMilli(now));
	}

	@Override
	public @Nullable PolicyRecord getPolicy(String agentId) {
		List<Object> fields = run("read the policy",
				() -> this.redis.opsForHash().multiGet(agentKey(agentId, "policy"), List.of("json", "updated_at")));
		if (fields.get(0) == null) {
			return null;
		}
		return new PolicyRecord(agentId, (String) fields.get(0),
				Instant.ofEpochMilli(Long.parseLong((String) fields.get(1))));
	}

	@Override
	public List<PolicyRecord> listPolicies() {
		Set<String> agents = run("list the policies", () -> this.redis.opsForSet().members(this.prefix + "policies"));
		List<PolicyRecord> list = new ArrayList<>();
		for (String agent : (agents != null) ? agents : Set.<String>of()) {
			PolicyRecord record = getPolicy(agent);
			if (record != null) {
				list.add(record);
			}
		}
		list.sort(Comparator.comparing(PolicyRecord::agentId));
		return list;
	}

	@Override
	public AgentState setAgentEnabled(String agentId, boolean enabled, @Nullable String reason) {
		long now = nowMillis();
		String key = agentKey(agentId, "agent");
		run("change the agent", () -> {
			if (enabled) {
				this.redis.delete(key);
			}
			else {
				this.redis.execute(DISABLE_AGENT, List.of(key), offset(), Long.toString(now),
						(reason != null) ? "1" : "0", (reason != null) ? reason : "");
			}
			return null;
		});
		return enabled ? AgentState.enabled(agentId)
				: new AgentState(agentId, false, reason, Instant.ofEpochMilli(now));
	}

	@Override
	public AgentState getAgent(String agentId) {
		List<Object> fields = run("read the agent", () -> this.redis.opsForHash()
			.multiGet(agentKey(agentId, "agent"), List.of("enabled", "reason", "disabled_at")));
		if (!"0".equals(fields.get(0))) {
			return AgentState.enabled(agentId);
		}
		return new AgentState(agentId, false, (String) fields.get(1),
				Instant.ofEpochMilli(Long.parseLong((String) fields.get(2))));
	}

	// ---- counters

	private List<String> counterKeys(UsageRequest request) {
		return List.of(agentKey(request.agentId(), "c:h:" + request.hour().toEpochMilli()),
				agentKey(request.agentId(), "c:t:" + request.day() + ":" + request.tool()),
				agentKey(request.agentId(), "c:s:" + request.day()));
	}

	private static String limit(@Nullable Long value) {
		return (value != null) ? Long.toString(value) : "-1";
	}

	@Override
	public ReserveOutcome reserve(UsageRequest request) {
		UsageLimits limits = request.limits();
		long expiry = request.day().plusDays(3).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
		Long code = run("reserve usage",
				() -> this.redis.execute(RESERVE, counterKeys(request), offset(), limit(limits.maxActionsPerHour()),
						limit(limits.maxCallsPerToolPerDay()), limit(limits.maxSpendMicrosPerDay()),
						Long.toString(request.spendMicros()), Long.toString(expiry)));
		return switch (Objects.requireNonNull(code).intValue()) {
			case 0 -> ReserveOutcome.RESERVED;
			case 1 -> ReserveOutcome.MAX_ACTIONS_PER_HOUR_EXCEEDED;
			case 2 -> ReserveOutcome.MAX_CALLS_PER_TOOL_EXCEEDED;
			default -> ReserveOutcome.MAX_SPEND_USD_PER_DAY_EXCEEDED;
		};
	}

	@Override
	public void release(UsageRequest request) {
		run("release usage", () -> this.redis.execute(RELEASE, counterKeys(request), offset(),
				Long.toString(request.spendMicros())));
	}

	@Override
	public UsageSnapshot usage(UsageRequest request) {
		List<String> values = run("read usage", () -> this.redis.opsForValue().multiGet(counterKeys(request)));
		return new UsageSnapshot(number(values, 0), number(values, 1), number(values, 2));
	}

	private static long number(@Nullable List<String> values, int index) {
		String value = (values != null) ? values.get(index) : null;
		return (value != null) ? Long.parseLong(value) : 0;
	}

	// ---- audit

	@Override
	public void appendAudit(AuditRecord record) {
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("ts", record.ts().toEpochMilli());
		row.put("tool", record.tool());
		row.put("decision", record.decision());
		row.put("policy_reason", record.policyReason());
		row.put("risk_level", record.riskLevel());
		row.put("args_hash", record.argsHash());
		row.put("spend_micros", record.spendMicros());
		row.put("run_id", record.runId());
		String key = agentKey(record.agentId(), "audit");
		String text = this.json.writeValueAsString(row);
		run("append to the audit log", () -> {
			this.redis.opsForList().leftPush(key, text);
			this.redis.opsForList().trim(key, 0, this.maxAuditPerAgent - 1L);
			this.redis.expire(key, this.retention);
			return null;
		});
	}

	private List<AuditRecord> audit(String agentId, long oldest, long count) {
		List<String> rows = run("read the audit log",
				() -> this.redis.opsForList().range(agentKey(agentId, "audit"), 0, count - 1));
		List<AuditRecord> out = new ArrayList<>();
		for (String text : (rows != null) ? rows : List.<String>of()) {
			Map<String, Object> row = this.json.readValue(text, MAP);
			long ts = number(row, "ts").longValue();
			if (ts >= oldest) {
				out.add(new AuditRecord(Instant.ofEpochMilli(ts), agentId, text(row, "tool"), text(row, "decision"),
						text(row, "policy_reason"), (String) row.get("risk_level"), (String) row.get("args_hash"),
						number(row, "spend_micros").longValue(), (String) row.get("run_id")));
			}
		}
		return out;
	}

	@Override
	public List<AuditRecord> listAudit(String agentId, int limit) {
		return audit(agentId, oldest(), limit);
	}

	@Override
	public AuditSummary summarizeAudit(String agentId, Instant from, Instant to, int topTools) {
		long total = 0;
		long blocked = 0;
		long spend = 0;
		Map<String, Long> perTool = new HashMap<>();
		for (AuditRecord row : audit(agentId, oldest(), this.maxAuditPerAgent)) {
			if (row.ts().isBefore(from) || !row.ts().isBefore(to)) {
				continue;
			}
			total++;
			blocked += row.blocked() ? 1 : 0;
			spend += row.spendMicros();
			perTool.merge(row.tool(), 1L, Long::sum);
		}
		List<AuditSummary.ToolCount> top = perTool.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
			.limit(topTools)
			.map((e) -> new AuditSummary.ToolCount(e.getKey(), e.getValue()))
			.toList();
		return new AuditSummary(total, blocked, spend, top);
	}

	// ---- tools

	private String toolsKey(String scopeId) {
		return this.prefix + "tools:" + scopeId;
	}

	@Override
	public ToolRecord putTool(ToolRecord tool) {
		Map<String, Object> record = new LinkedHashMap<>();
		record.put("url", tool.url());
		record.put("auth_type", tool.authType());
		record.put("secret", tool.secret());
		record.put("timeout_ms", tool.timeoutMs());
		record.put("max_retries", tool.maxRetries());
		record.put("enabled", tool.enabled());
		record.put("description", (tool.description() != null) ? tool.description() : "");
		record.put("risk_level", (tool.riskLevel() != null) ? tool.riskLevel() : "");
		String stored = run("store the tool", () -> this.redis.execute(PUT_TOOL, List.of(toolsKey(tool.scopeId())),
				offset(), tool.name(), this.json.writeValueAsString(record)));
		return tool(tool.scopeId(), tool.name(), Objects.requireNonNull(stored));
	}

	private ToolRecord tool(String scopeId, String name, String text) {
		Map<String, Object> row = this.json.readValue(text, MAP);
		String description = (String) row.get("description");
		String risk = (String) row.get("risk_level");
		return new ToolRecord(scopeId, name, text(row, "url"), text(row, "auth_type"), text(row, "secret"),
				number(row, "timeout_ms").intValue(), number(row, "max_retries").intValue(),
				Boolean.TRUE.equals(row.get("enabled")),
				(description == null || description.isEmpty()) ? null : description,
				(risk == null || risk.isEmpty()) ? null : risk,
				Instant.ofEpochMilli(Long.parseLong(String.valueOf(row.get("created_at")))),
				Instant.ofEpochMilli(Long.parseLong(String.valueOf(row.get("updated_at")))));
	}

	@Override
	public @Nullable ToolRecord getTool(String scopeId, String name) {
		Object text = run("read the tool", () -> this.redis.opsForHash().get(toolsKey(scopeId), name));
		return (text != null) ? tool(scopeId, name, (String) text) : null;
	}

	@Override
	public List<ToolRecord> listTools(String scopeId) {
		Map<Object, Object> all = run("list the tools", () -> this.redis.opsForHash().entries(toolsKey(scopeId)));
		List<ToolRecord> list = new ArrayList<>();
		all.forEach((name, text) -> list.add(tool(scopeId, (String) name, (String) text)));
		list.sort(Comparator.comparing(ToolRecord::name));
		return list;
	}

	@Override
	public @Nullable ToolRecord setToolEnabled(String scopeId, String name, boolean enabled) {
		String stored = run("toggle the tool",
				() -> this.redis.execute(TOGGLE_TOOL, List.of(toolsKey(scopeId)), offset(), name, enabled ? "1" : "0"));
		return (stored == null || stored.isEmpty()) ? null : tool(scopeId, name, stored);
	}

	@Override
	public boolean deleteTool(String scopeId, String name) {
		Long removed = run("delete the tool", () -> this.redis.opsForHash().delete(toolsKey(scopeId), name));
		return removed != null && removed > 0;
	}

	// ---- events

	private String runKey(String runId) {
		return this.prefix + "{r:" + runId + "}:events";
	}

	@Override
	public EventRecord appendEvent(String runId, String eventJson) {
		long now = nowMillis();
		Long id = run("number the event", () -> this.redis.opsForValue().increment(this.prefix + "events:seq"));
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("id", id);
		row.put("run_id", runId);
		row.put("ts", now);
		row.put("event", eventJson);
		String text = this.json.writeValueAsString(row);
		String recent = this.prefix + "events:recent";
		run("append the event", () -> {
			this.redis.opsForList().rightPush(runKey(runId), text);
			this.redis.expire(runKey(runId), this.retention);
			this.redis.opsForList().leftPush(recent, text);
			this.redis.opsForList().trim(recent, 0, this.maxEvents - 1L);
			this.redis.expire(recent, this.retention);
			return null;
		});
		return new EventRecord(Objects.requireNonNull(id), runId, Instant.ofEpochMilli(now), eventJson);
	}

	private static Number number(Map<String, Object> row, String field) {
		return (Number) required(row, field);
	}

	private static String text(Map<String, Object> row, String field) {
		return (String) required(row, field);
	}

	private static Object required(Map<String, Object> row, String field) {
		Object value = row.get(field);
		if (value == null) {
			throw new IllegalStateException("A stored governance record has no '" + field + "'");
		}
		return value;
	}

	private List<EventRecord> events(@Nullable List<String> rows, long oldest) {
		List<EventRecord> out = new ArrayList<>();
		for (String text : (rows != null) ? rows : List.<String>of()) {
			Map<String, Object> row = this.json.readValue(text, MAP);
			long ts = number(row, "ts").longValue();
			if (ts >= oldest) {
				out.add(new EventRecord(number(row, "id").longValue(), text(row, "run_id"), Instant.ofEpochMilli(ts),
						text(row, "event")));
			}
		}
		return out;
	}

	@Override
	public List<EventRecord> listRunEvents(String runId, int limit, int offset) {
		long oldest = oldest();
		List<String> rows = run("read the timeline", () -> this.redis.opsForList().range(runKey(runId), 0, -1));
		return events(rows, oldest).stream().skip(offset).limit(limit).toList();
	}

	@Override
	public long countRunEvents(String runId) {
		long oldest = oldest();
		List<String> rows = run("count the timeline", () -> this.redis.opsForList().range(runKey(runId), 0, -1));
		return events(rows, oldest).size();
	}

	@Override
	public List<EventRecord> listRecentEvents(int limit, int offset) {
		long oldest = oldest();
		List<String> rows = run("read the events",
				() -> this.redis.opsForList().range(this.prefix + "events:recent", 0, -1));
		return events(rows, oldest).stream().skip(offset).limit(limit).toList();
	}

}
