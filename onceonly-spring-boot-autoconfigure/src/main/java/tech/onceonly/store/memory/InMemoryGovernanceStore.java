package tech.onceonly.store.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import tech.onceonly.store.AgentState;
import tech.onceonly.store.AuditRecord;
import tech.onceonly.store.AuditSummary;
import tech.onceonly.store.EventRecord;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.PolicyRecord;
import tech.onceonly.store.ReserveOutcome;
import tech.onceonly.store.ToolRecord;
import tech.onceonly.store.UsageLimits;
import tech.onceonly.store.UsageRequest;
import tech.onceonly.store.UsageSnapshot;

/**
 * An in-process governance store: atomic per agent (counters under the agent's monitor),
 * time from an injected {@link Clock}, and bounded: audit rows and events are kept for
 * {@code retention} and up to a row bound (oldest evicted first), counters only for the
 * windows that can still matter (two days).
 */
public final class InMemoryGovernanceStore implements GovernanceStore {

	/** The default retention of audit rows and events. */
	public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

	/** The default bound on audit rows per agent. */
	public static final int DEFAULT_MAX_AUDIT_PER_AGENT = 10_000;

	/** The default bound on events (all runs together). */
	public static final int DEFAULT_MAX_EVENTS = 100_000;

	private final Clock clock;

	private final Duration retention;

	private final int maxAuditPerAgent;

	private final int maxEvents;

	private final ConcurrentHashMap<String, PolicyRecord> policies = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, AgentState> agents = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Counters> counters = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, ArrayDeque<AuditRecord>> audit = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, ToolRecord> tools = new ConcurrentHashMap<>();

	private final Object eventsLock = new Object();

	private final ArrayDeque<EventRecord> events = new ArrayDeque<>();

	private final Map<String, ArrayDeque<EventRecord>> eventsByRun = new HashMap<>();

	private long lastEventId;

	/** A store on the system UTC clock with the default bounds. */
	public InMemoryGovernanceStore() {
		this(Clock.systemUTC());
	}

	/** A store on {@code clock} with the default bounds. */
	public InMemoryGovernanceStore(Clock clock) {
		this(clock, DEFAULT_RETENTION, DEFAULT_MAX_AUDIT_PER_AGENT, DEFAULT_MAX_EVENTS);
	}

	/**
	 * A store.
	 * @param clock the store's clock
	 * @param retention how long audit rows and events are kept
	 * @param maxAuditPerAgent the most audit rows kept per agent
	 * @param maxEvents the most events kept (all runs together)
	 */
	public InMemoryGovernanceStore(Clock clock, Duration retention, int maxAuditPerAgent, int maxEvents) {
		if (retention.isNegative() || retention.isZero()) {
			throw new IllegalArgumentException("retention must be positive, was " + retention);
		}
		if (maxAuditPerAgent < 1 || maxEvents < 1) {
			throw new IllegalArgumentException("maxAuditPerAgent and maxEvents must be at least 1");
		}
		this.clock = clock;
		this.retention = retention;
		this.maxAuditPerAgent = maxAuditPerAgent;
		this.maxEvents = maxEvents;
	}

	@Override
	public String type() {
		return "memory";
	}

	@Override
	public Instant now() {
		return this.clock.instant();
	}

	// ---- policies and agents

	@Override
	public PolicyRecord putPolicy(String agentId, String policyJson) {
		PolicyRecord record = new PolicyRecord(agentId, policyJson, now());
		this.policies.put(agentId, record);
		return record;
	}

	@Override
	public @Nullable PolicyRecord getPolicy(String agentId) {
		return this.policies.get(agentId);
	}

	@Override
	public List<PolicyRecord> listPolicies() {
		List<PolicyRecord> list = new ArrayList<>(this.policies.values());
		list.sort(Comparator.comparing(PolicyRecord::agentId));
		return list;
	}

	@Override
	public AgentState setAgentEnabled(String agentId, boolean enabled, @Nullable String reason) {
		AgentState state = enabled ? AgentState.enabled(agentId) : new AgentState(agentId, false, reason, now());
		this.agents.put(agentId, state);
		return state;
	}

	@Override
	public AgentState getAgent(String agentId) {
		AgentState state = this.agents.get(agentId);
		return (state != null) ? state : AgentState.enabled(agentId);
	}

	// ---- counters

	@Override
	public ReserveOutcome reserve(UsageRequest request) {
		Counters agent = this.counters.computeIfAbsent(request.agentId(), (id) -> new Counters());
		synchronized (agent) {
			agent.evictBefore(request.day().minusDays(1));
			UsageLimits limits = request.limits();
			long actions = agent.actionsPerHour.getOrDefault(request.hour(), 0L);
			if (limits.maxActionsPerHour() != null && actions + 1 > limits.maxActionsPerHour()) {
				return ReserveOutcome.MAX_ACTIONS_PER_HOUR_EXCEEDED;
			}
			DayTool dayTool = new DayTool(request.day(), request.tool());
			long calls = agent.callsPerToolDay.getOrDefault(dayTool, 0L);
			if (limits.maxCallsPerToolPerDay() != null && calls + 1 > limits.maxCallsPerToolPerDay()) {
				return ReserveOutcome.MAX_CALLS_PER_TOOL_EXCEEDED;
			}
			long spent = agent.spendPerDay.getOrDefault(request.day(), 0L);
			long spend = request.spendMicros();
			if (limits.maxSpendMicrosPerDay() != null && spend > 0 && spent + spend > limits.maxSpendMicrosPerDay()) {
				return ReserveOutcome.MAX_SPEND_USD_PER_DAY_EXCEEDED;
			}
			agent.actionsPerHour.put(request.hour(), actions + 1);
			agent.callsPerToolDay.put(dayTool, calls + 1);
			agent.spendPerDay.put(request.day(), Math.addExact(spent, spend));
			return ReserveOutcome.RESERVED;
		}
	}

	@Override
	public void release(UsageRequest request) {
		Counters agent = this.counters.get(request.agentId());
		if (agent == null) {
			return;
		}
		synchronized (agent) {
			agent.actionsPerHour.computeIfPresent(request.hour(), (k, v) -> (v > 1) ? v - 1 : null);
			agent.callsPerToolDay.computeIfPresent(new DayTool(request.day(), request.tool()),
					(k, v) -> (v > 1) ? v - 1 : null);
			agent.spendPerDay.computeIfPresent(request.day(),
					(k, v) -> (v > request.spendMicros()) ? v - request.spendMicros() : null);
		}
	}

	@Override
	public UsageSnapshot usage(UsageRequest request) {
		Counters agent = this.counters.get(request.agentId());
		if (agent == null) {
			return new UsageSnapshot(0, 0, 0);
		}
		synchronized (agent) {
			return new UsageSnapshot(agent.actionsPerHour.getOrDefault(request.hour(), 0L),
					agent.callsPerToolDay.getOrDefault(new DayTool(request.day(), request.tool()), 0L),
					agent.spendPerDay.getOrDefault(request.day(), 0L));
		}
	}

	// ---- audit

	@Override
	public void appendAudit(AuditRecord record) {
		ArrayDeque<AuditRecord> rows = this.audit.computeIfAbsent(record.agentId(), (id) -> new ArrayDeque<>());
		synchronized (rows) {
			rows.addLast(record);
			trimAudit(rows);
		}
	}

	private void trimAudit(ArrayDeque<AuditRecord> rows) {
		Instant oldest = now().minus(this.retention);
		while (!rows.isEmpty() && (rows.size() > this.maxAuditPerAgent || rows.peekFirst().ts().isBefore(oldest))) {
			rows.removeFirst();
		}
	}

	@Override
	public List<AuditRecord> listAudit(String agentId, int limit) {
		ArrayDeque<AuditRecord> rows = this.audit.get(agentId);
		if (rows == null) {
			return List.of();
		}
		List<AuditRecord> out = new ArrayList<>(Math.min(limit, rows.size()));
		synchronized (rows) {
			trimAudit(rows);
			Iterator<AuditRecord> newestFirst = rows.descendingIterator();
			while (newestFirst.hasNext() && out.size() < limit) {
				out.add(newestFirst.next());
			}
		}
		return out;
	}

	@Override
	public AuditSummary summarizeAudit(String agentId, Instant from, Instant to, int topTools) {
		ArrayDeque<AuditRecord> rows = this.audit.get(agentId);
		if (rows == null) {
			return new AuditSummary(0, 0, 0, List.of());
		}
		long total = 0;
		long blocked = 0;
		long spend = 0;
		Map<String, Long> perTool = new HashMap<>();
		synchronized (rows) {
			trimAudit(rows);
			for (AuditRecord row : rows) {
				if (row.ts().isBefore(from) || !row.ts().isBefore(to)) {
					continue;
				}
				total++;
				if (row.blocked()) {
					blocked++;
				}
				spend += row.spendMicros();
				perTool.merge(row.tool(), 1L, Long::sum);
			}
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

	private static String toolKey(String scopeId, String name) {
		return scopeId + '\u0000' + name;
	}

	@Override
	public ToolRecord putTool(ToolRecord tool) {
		Instant now = now();
		return this.tools.compute(toolKey(tool.scopeId(), tool.name()),
				(k, current) -> tool.withTimes((current != null) ? current.createdAt() : now, now));
	}

	@Override
	public @Nullable ToolRecord getTool(String scopeId, String name) {
		return this.tools.get(toolKey(scopeId, name));
	}

	@Override
	public List<ToolRecord> listTools(String scopeId) {
		return this.tools.values()
			.stream()
			.filter((t) -> t.scopeId().equals(scopeId))
			.sorted(Comparator.comparing(ToolRecord::name))
			.toList();
	}

	@Override
	public @Nullable ToolRecord setToolEnabled(String scopeId, String name, boolean enabled) {
		Instant now = now();
		return this.tools.computeIfPresent(toolKey(scopeId, name), (k, current) -> current.withEnabled(enabled, now));
	}

	@Override
	public boolean deleteTool(String scopeId, String name) {
		return this.tools.remove(toolKey(scopeId, name)) != null;
	}

	// ---- events

	@Override
	public EventRecord appendEvent(String runId, String eventJson) {
		synchronized (this.eventsLock) {
			EventRecord record = new EventRecord(++this.lastEventId, runId, now(), eventJson);
			this.events.addLast(record);
			this.eventsByRun.computeIfAbsent(runId, (id) -> new ArrayDeque<>()).addLast(record);
			trimEvents();
			return record;
		}
	}

	private void trimEvents() {
		Instant oldest = now().minus(this.retention);
		while (!this.events.isEmpty()
				&& (this.events.size() > this.maxEvents || this.events.peekFirst().ts().isBefore(oldest))) {
			EventRecord gone = this.events.removeFirst();
			ArrayDeque<EventRecord> run = this.eventsByRun.get(gone.runId());
			if (run != null) {
				run.pollFirst();
				if (run.isEmpty()) {
					this.eventsByRun.remove(gone.runId());
				}
			}
		}
	}

	@Override
	public List<EventRecord> listRunEvents(String runId, int limit, int offset) {
		synchronized (this.eventsLock) {
			trimEvents();
			ArrayDeque<EventRecord> run = this.eventsByRun.get(runId);
			if (run == null) {
				return List.of();
			}
			return run.stream().skip(offset).limit(limit).toList();
		}
	}

	@Override
	public long countRunEvents(String runId) {
		synchronized (this.eventsLock) {
			trimEvents();
			ArrayDeque<EventRecord> run = this.eventsByRun.get(runId);
			return (run != null) ? run.size() : 0;
		}
	}

	@Override
	public List<EventRecord> listRecentEvents(int limit, int offset) {
		synchronized (this.eventsLock) {
			trimEvents();
			List<EventRecord> out = new ArrayList<>(Math.min(limit, this.events.size()));
			Iterator<EventRecord> newestFirst = this.events.descendingIterator();
			int skipped = 0;
			while (newestFirst.hasNext() && out.size() < limit) {
				EventRecord next = newestFirst.next();
				if (skipped++ >= offset) {
					out.add(next);
				}
			}
			return out;
		}
	}

	private record DayTool(LocalDate day, String tool) {
	}

	/** One agent's windowed counters, guarded by its own monitor. */
	private static final class Counters {

		final Map<Instant, Long> actionsPerHour = new HashMap<>();

		final Map<DayTool, Long> callsPerToolDay = new HashMap<>();

		final Map<LocalDate, Long> spendPerDay = new HashMap<>();

		@Nullable LocalDate evictedBefore;

		void evictBefore(LocalDate day) {
			if (day.equals(this.evictedBefore)) {
				return;
			}
			this.evictedBefore = day;
			Instant hour = day.atStartOfDay(ZoneOffset.UTC).toInstant();
			this.actionsPerHour.keySet().removeIf((h) -> h.isBefore(hour));
			this.callsPerToolDay.keySet().removeIf((k) -> k.day().isBefore(day));
			this.spendPerDay.keySet().removeIf((d) -> d.isBefore(day));
		}

	}

}
