package tech.onceonly.engine;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.AiRun;
import tech.onceonly.client.AiRunOutcome;
import tech.onceonly.client.AiStatus;
import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.BlockingOnceOnlyReactiveAdapter;
import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.JsonObjectText;
import tech.onceonly.client.LeaseAnswers;
import tech.onceonly.client.LeaseChange;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.LeaseStatus;
import tech.onceonly.client.NotificationPreferences;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OnceOnlyAi;
import tech.onceonly.client.OnceOnlyBackend;
import tech.onceonly.client.OnceOnlyGov;
import tech.onceonly.client.ReactiveOnceOnly;
import tech.onceonly.client.RunEvent;
import tech.onceonly.client.RunFnFlow;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.client.StaleLeaseException;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.client.ValidationException;
import tech.onceonly.client.WaitOptions;
import tech.onceonly.engine.governance.GovernanceEngine;
import tech.onceonly.engine.governance.GovernanceSettings;
import tech.onceonly.engine.governance.LocalTools;
import tech.onceonly.engine.governance.NamespacedGovernanceStore;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.LockResult;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.StoreException;
import tech.onceonly.store.memory.InMemoryGovernanceStore;

/**
 * The OnceOnly semantics run in-process on an {@link OnceOnlyStore}: check-lock, leases
 * with fencing tokens, results kept for the retention period, and the exactly-once
 * {@code runFn} flow. Answers have the shapes of the OnceOnly API, so code moves between
 * this engine and the hosted API unchanged.
 * <p>
 * Cost: a check-lock is one store operation; a first {@code runFn} is two writes
 * (acquire, complete) plus a heartbeat write every {@code extendEvery} while it runs; a
 * duplicate that finds the stored result is one store operation and no write.
 * <p>
 * Governance (policies, kill switch, governed tool calls, the tools registry, server-side
 * runs and timelines) runs on a {@link GovernanceStore} beside the lease store: in memory
 * unless {@link #builder(OnceOnlyStore)} is given another. In local mode {@link #usage},
 * {@link #usageAll} and {@link #me} answer with plan {@code local} and this engine's own
 * counters since it started.
 */
public class LocalOnceOnly implements OnceOnly, AutoCloseable {

	private static final Log logger = LogFactory.getLog(LocalOnceOnly.class);

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private static final long POLL_HINT_SECONDS = 5;

	private static final int MAX_RUN_METADATA_BYTES = 64 * 1024;

	private final OnceOnlyStore store;

	private final EngineSettings settings;

	private final JsonMapper json;

	private final Validation validation;

	private final KeySignals signals = new KeySignals();

	private final Heartbeats heartbeats;

	private final boolean ownsHeartbeats;

	private final RunFnFlow runFn;

	private final boolean failOpen;

	private final Ai ai = new Ai();

	private final ReactiveOnceOnly reactive;

	private final GovernanceEngine governance;

	private final UsageCounters usage = new UsageCounters(Clock.systemUTC());

	private final AtomicReference<Map<String, Object>> notifications = new AtomicReference<>(
			answer("email_notifications_enabled", false, "tool_error_notifications_enabled", false,
					"run_failure_notifications_enabled", false));

	/**
	 * An engine on {@code store} with default settings.
	 * @param store the store
	 */
	public LocalOnceOnly(OnceOnlyStore store) {
		this(store, EngineSettings.defaults(), JsonMapper.builder().build(), null, System::nanoTime);
	}

	/**
	 * An engine.
	 * @param store the store
	 * @param settings limits and defaults
	 * @param json the JSON mapper for metadata and results
	 * @param heartbeats the scheduler for lease heartbeats, or {@code null} to own a
	 * daemon one
	 * @param nanoTime the monotonic time source for wait deadlines
	 */
	public LocalOnceOnly(OnceOnlyStore store, EngineSettings settings, JsonMapper json,
			@Nullable ScheduledExecutorService heartbeats, LongSupplier nanoTime) {
		this(builder(store).settings(settings).json(json).heartbeats(heartbeats).nanoTime(nanoTime));
	}

	private LocalOnceOnly(Builder builder) {
		OnceOnlyStore store = builder.store;
		EngineSettings settings = builder.settings;
		JsonMapper json = builder.json;
		LongSupplier nanoTime = builder.nanoTime;
		this.store = Objects.requireNonNull(store, "store");
		this.settings = Objects.requireNonNull(settings, "settings");
		this.json = Objects.requireNonNull(json, "json");
		this.validation = new Validation(settings, json);
		this.heartbeats = (builder.leaseHeartbeats != null) ? builder.leaseHeartbeats
				: new Heartbeats(builder.heartbeats, null, nanoTime);
		this.failOpen = builder.failOpen;
		this.ownsHeartbeats = builder.leaseHeartbeats == null;
		this.runFn = new RunFnFlow(new Leases(), json, this.heartbeats, builder.leaseEvents);
		this.reactive = new BlockingOnceOnlyReactiveAdapter(this);
		GovernanceStore governanceStore = (builder.governanceStore != null) ? builder.governanceStore
				: new InMemoryGovernanceStore(GovernanceEngine.clockOf(store));
		if (!settings.namespace().isEmpty()) {
			governanceStore = new NamespacedGovernanceStore(governanceStore, settings.namespace());
		}
		this.governance = new GovernanceEngine(governanceStore, store, settings.namespace(), builder.localTools,
				builder.governanceSettings, json, builder.httpClient, nanoTime, this.heartbeats, builder.leaseEvents);
	}

	/** A builder of an engine on {@code store}. */
	public static Builder builder(OnceOnlyStore store) {
		return new Builder(store);
	}

	/** The governance engine: the governed pipeline, local tools and run timelines. */
	public GovernanceEngine governance() {
		return this.governance;
	}

	/** The store this engine runs on. */
	public OnceOnlyStore store() {
		return this.store;
	}

	/** The number of keys callers in this JVM wait on (for tests). */
	int waitedKeys() {
		return this.signals.size();
	}

	/** The engine's settings. */
	public EngineSettings settings() {
		return this.settings;
	}

	@Override
	public void close() {
		this.governance.close();
		if (this.ownsHeartbeats) {
			this.heartbeats.close();
		}
	}

	/**
	 * The local engine on its store, with its operator actions, store probe and governed
	 * in-process tool calls.
	 */
	@Override
	public OnceOnlyBackend backend() {
		return OnceOnlyBackend.local(this.store.type(), new LocalEngineOperations(this));
	}

	/** {@code key} validated and under the engine's namespace, as the store holds it. */
	String storedKey(String key) {
		this.validation.key(key);
		return stored(key);
	}

	private String stored(String key) {
		return this.settings.namespace().isEmpty() ? key : this.settings.namespace() + key;
	}

	// ---- check-lock

	@Override
	public CheckLockResult checkLock(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String requestId) {
		this.validation.key(key);
		Duration lockTtl = this.validation.ttl(ttl, this.settings.defaultLockTtl());
		String metadataJson = this.validation.metadata(metadata);
		LockResult result;
		try {
			result = this.store.tryLock(stored(key), lockTtl, metadataJson);
		}
		catch (StoreException ex) {
			if (!this.failOpen) {
				throw ex;
			}
			return failOpen(key, lockTtl, metadata, ex);
		}
		this.usage.lock(result.acquired());
		return LeaseAnswers.checkLock(result.acquired(), key, lockTtl.toSeconds(),
				result.acquired() ? null : InstantText.of(result.record().firstSeenAt()), requestId, metadata);
	}

	/**
	 * The answer of a check-lock that failed open on a store outage: {@code locked}, with
	 * {@code request_id} {@code fail-open} and {@code raw.fail_open = true}, as the
	 * remote client answers; logged at WARN.
	 */
	private static CheckLockResult failOpen(String key, Duration ttl, @Nullable Map<String, ?> metadata,
			StoreException ex) {
		Map<String, Object> raw = LeaseAnswers.failOpen("store_unavailable", metadata);
		logger.warn("OnceOnly check-lock failed open (reason=store_unavailable): " + ex.getMessage());
		return new CheckLockResult(true, false, key, ttl.toSeconds(), null, "fail-open", 0, raw);
	}

	/**
	 * Frees a check-lock key whoever holds it (an operator action); true when it was
	 * held.
	 */
	public boolean releaseLock(String key) {
		this.validation.key(key);
		return this.store.releaseLock(stored(key));
	}

	/**
	 * Removes a lease and its stored result whatever its state (an operator action); true
	 * when one existed.
	 */
	public boolean deleteLease(String key) {
		this.validation.key(key);
		boolean removed = this.store.deleteLease(stored(key));
		this.signals.fire(stored(key));
		return removed;
	}

	@Override
	public OnceOnlyAi ai() {
		return this.ai;
	}

	@Override
	public OnceOnlyGov gov() {
		return this.governance.gov();
	}

	/**
	 * The local account: plan {@code local}, the store types and the notification
	 * settings.
	 */
	@Override
	public Map<String, Object> me() {
		Map<String, Object> raw = answer("plan", "local", "mode", "local", "store", this.store.type(),
				"governance_store", this.governance.store().type());
		raw.putAll(this.notifications.get());
		return raw;
	}

	/**
	 * Changes the notification settings kept by this engine (local mode sends no
	 * notifications).
	 */
	@Override
	public Map<String, Object> updateNotifications(NotificationPreferences preferences) {
		Map<String, Object> changes = preferences.toWire();
		return this.notifications.updateAndGet((current) -> {
			Map<String, Object> next = new LinkedHashMap<>(current);
			next.putAll(changes);
			return Collections.unmodifiableMap(next);
		});
	}

	/**
	 * This engine's counters of {@code make} (check-lock) or {@code ai} (leases and runs)
	 * since it started.
	 */
	@Override
	public Map<String, Object> usage(String kind) {
		UsageCounters.Kind counters = switch ((kind != null) ? kind : "") {
			case "make" -> this.usage.make;
			case "ai" -> this.usage.ai;
			default -> throw new ValidationException("kind must be make or ai, was '" + kind + "'");
		};
		Map<String, Object> raw = answer("plan", "local", "month", month());
		Map<String, Object> wire = counters.toWire();
		wire.remove("charged_total_month");
		wire.remove("polling_total_month");
		raw.putAll(wire);
		return raw;
	}

	/** This engine's counters of every kind since it started. */
	@Override
	public Map<String, Object> usageAll() {
		return answer("plan", "local", "month", month(), "make", this.usage.make.toWire(), "ai",
				this.usage.ai.toWire());
	}

	private String month() {
		return YearMonth.from(this.store.now().atOffset(ZoneOffset.UTC)).toString();
	}

	@Override
	public Map<String, Object> events(int limit, int offset) {
		return this.governance.timelines().recent(limit, offset);
	}

	@Override
	public Map<String, Object> postEvent(RunEvent event) {
		return this.governance.timelines().post(event);
	}

	@Override
	public Map<String, Object> metrics(String fromDay, String toDay) {
		return this.usage.daily(fromDay, toDay);
	}

	@Override
	public Map<String, Object> getRunTimeline(String runId, int limit, int offset) {
		return this.governance.timelines().timeline(runId, limit, offset);
	}

	@Override
	public ReactiveOnceOnly reactive() {
		return this.reactive;
	}

	// ---- lease answers (typed; LeaseAnswers builds their JSON objects when asked)

	private AiRun leaseAnswer(String key, LeaseResult result, Duration ttl) {
		LeaseRecord record = result.record();
		String firstSeenAt = InstantText.of(record.firstSeenAt());
		return switch (result.outcome()) {
			case ACQUIRED -> LeaseAnswers.run(LeaseStatus.ACQUIRED, key, record.leaseId(), record.version(),
					ttl.toSeconds(), ttl.toSeconds(), firstSeenAt, null, null, null, null);
			case HELD_BY_OTHER -> {
				long left = Math.max(0, record.ttlLeft().toSeconds());
				yield LeaseAnswers.run(LeaseStatus.POLLING, key, null, record.version(), ttl.toSeconds(), left,
						firstSeenAt, retryAfter(left), null, null, null);
			}
			// the store's answer already holds the result: a replay needs no second read
			case COMPLETED, FAILED ->
				LeaseAnswers.run(terminalStatus(record), key, null, record.version(), null, null, firstSeenAt, null,
						doneAt(record), record.resultHash(), record.errorCode(), parseLazily(record.resultJson()));
		};
	}

	private static long retryAfter(long ttlLeftSeconds) {
		return Math.max(1, Math.min(POLL_HINT_SECONDS, ttlLeftSeconds));
	}

	private static LeaseStatus terminalStatus(LeaseRecord record) {
		return (record.state() == LeaseState.COMPLETED) ? LeaseStatus.COMPLETED : LeaseStatus.FAILED;
	}

	private static @Nullable String doneAt(LeaseRecord record) {
		return (record.doneAt() != null) ? InstantText.of(record.doneAt()) : null;
	}

	/** The state of a stored lease that is not terminal. */
	private static LeaseStatus liveStatus(LeaseRecord record) {
		return record.isHeld() ? LeaseStatus.IN_PROGRESS
				: (record.state() == LeaseState.RELEASED) ? LeaseStatus.RELEASED : LeaseStatus.EXPIRED;
	}

	private @Nullable Map<String, Object> parse(@Nullable String text) {
		return (text != null) ? this.json.readValue(text, MAP) : null;
	}

	/**
	 * The stored result of a lease answer: kept as its text and parsed into a map only
	 * when a reader asks for the map (a replayed HTTP response is read from the text).
	 */
	private @Nullable Map<String, Object> parseLazily(@Nullable String text) {
		return (text != null) ? JsonObjectText.of(text, () -> this.json.readValue(text, MAP)) : null;
	}

	private static AiStatus statusOf(String key, @Nullable LeaseRecord record) {
		if (record == null) {
			return LeaseAnswers.status(LeaseStatus.NOT_FOUND, key, 0, null, null, null, null, null, null);
		}
		String firstSeenAt = InstantText.of(record.firstSeenAt());
		if (record.state().isTerminal()) {
			return LeaseAnswers.status(terminalStatus(record), key, record.version(), 0L, firstSeenAt, doneAt(record),
					record.resultHash(), record.errorCode(), null);
		}
		long left = Math.max(0, record.ttlLeft().toSeconds());
		return LeaseAnswers.status(liveStatus(record), key, record.version(), left, firstSeenAt, null, null, null,
				record.isHeld() ? retryAfter(left) : null);
	}

	private AiResult resultOf(String key, @Nullable LeaseRecord record) {
		if (record == null) {
			return LeaseAnswers.result(LeaseStatus.NOT_FOUND, key, null, null, null, null);
		}
		if (!record.state().isTerminal()) {
			return LeaseAnswers.result(liveStatus(record), key, null, null, null, null);
		}
		return LeaseAnswers.result(terminalStatus(record), key, parse(record.resultJson()), record.resultHash(),
				record.errorCode(), doneAt(record));
	}

	private static Map<String, Object> answer(@Nullable Object... pairs) {
		Map<String, Object> raw = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			raw.put((String) pairs[i], pairs[i + 1]);
		}
		return raw;
	}

	private static String requireLeaseId(@Nullable String leaseId) {
		if (leaseId == null || leaseId.isBlank()) {
			throw new ValidationException("lease_id must not be empty");
		}
		return leaseId;
	}

	/** The leases API and the flows on it. */
	private final class Ai implements OnceOnlyAi {

		@Override
		public AiRunOutcome run(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
				@Nullable String runId) {
			validation.key(key);
			Map<String, Object> runMetadata = new LinkedHashMap<>();
			if (metadata != null) {
				metadata.forEach(runMetadata::put);
			}
			if (runId != null) {
				String trimmed = runId.trim();
				if (trimmed.isEmpty()) {
					throw new IllegalArgumentException("run_id must not be empty");
				}
				runMetadata.put("run_id", trimmed);
			}
			String metadataJson = json.writeValueAsString(runMetadata);
			int bytes = metadataJson.getBytes(StandardCharsets.UTF_8).length;
			if (bytes > MAX_RUN_METADATA_BYTES) {
				throw new ValidationException("run metadata is " + bytes + " bytes of JSON; at most "
						+ MAX_RUN_METADATA_BYTES + " bytes are allowed");
			}
			Duration leaseTtl = leaseTtl(ttl);
			LeaseResult lease = store.acquireLease(stored(key), leaseTtl, UUID.randomUUID().toString(), metadataJson);
			count(lease);
			if (lease.outcome() == LeaseResult.Outcome.ACQUIRED) {
				governance.startRun(this, key, Objects.requireNonNull(lease.record().leaseId()), leaseTtl, runMetadata);
			}
			return leaseAnswer(key, lease, leaseTtl);
		}

		@Override
		public AiToolResult runTool(ToolCallRequest call) {
			return governance.call(call).result();
		}

		@Override
		public AiStatus status(String key) {
			validation.key(key);
			return statusOf(key, store.getLease(stored(key)));
		}

		@Override
		public AiResult result(String key) {
			validation.key(key);
			return resultOf(key, store.getLease(stored(key)));
		}

		@Override
		public AiRun lease(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata) {
			return leaseAnswer(key, acquire(key, ttl, metadata), leaseTtl(ttl));
		}

		private Duration leaseTtl(@Nullable Duration ttl) {
			return validation.ttl(ttl, settings.defaultLeaseTtl());
		}

		private LeaseResult acquire(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata) {
			validation.key(key);
			Duration leaseTtl = leaseTtl(ttl);
			String metadataJson = validation.metadata(metadata);
			LeaseResult result = store.acquireLease(stored(key), leaseTtl, UUID.randomUUID().toString(), metadataJson);
			count(result);
			return result;
		}

		private void count(LeaseResult result) {
			usage.lease(result.outcome() == LeaseResult.Outcome.ACQUIRED,
					result.outcome() == LeaseResult.Outcome.HELD_BY_OTHER);
		}

		@Override
		public LeaseChange extend(String key, String leaseId, @Nullable Duration ttl) {
			validation.key(key);
			requireLeaseId(leaseId);
			Duration leaseTtl = leaseTtl(ttl);
			LeaseRecord record = store.extendLease(stored(key), leaseId, leaseTtl);
			if (record == null) {
				throw new StaleLeaseException(key);
			}
			return LeaseAnswers.extended(key, leaseTtl.toSeconds(), record.version());
		}

		@Override
		public LeaseChange complete(String key, String leaseId, @Nullable Map<String, ?> result,
				@Nullable String resultHash) {
			validation.key(key);
			requireLeaseId(leaseId);
			String resultJson = (result instanceof JsonObjectText text) ? text.json()
					: (result != null) ? json.writeValueAsString(result) : null;
			Instant doneAt = store.completeLease(stored(key), leaseId, resultJson, resultHash, settings.retention());
			if (doneAt == null) {
				throw new StaleLeaseException(key);
			}
			signals.fire(stored(key));
			return LeaseAnswers.completed(key, InstantText.of(doneAt), resultHash);
		}

		@Override
		public LeaseChange fail(String key, String leaseId, String errorCode, @Nullable String errorHash) {
			validation.key(key);
			requireLeaseId(leaseId);
			Validation.text("error_code", errorCode, Validation.MAX_KEY_LENGTH);
			Instant doneAt = store.failLease(stored(key), leaseId, errorCode, errorHash, settings.retention());
			if (doneAt == null) {
				throw new StaleLeaseException(key);
			}
			signals.fire(stored(key));
			return LeaseAnswers.failed(key, InstantText.of(doneAt), errorCode);
		}

		@Override
		public LeaseChange cancel(String key, String leaseId, @Nullable String reason) {
			validation.key(key);
			requireLeaseId(leaseId);
			if (!store.cancelLease(stored(key), leaseId)) {
				throw new StaleLeaseException(key);
			}
			signals.fire(stored(key));
			return LeaseAnswers.released(key, reason);
		}

		@Override
		public AiResult waitFor(String key, WaitOptions options) {
			validation.key(key);
			long deadline = heartbeats.nanoTime() + options.timeout().toNanos();
			AiResult result = runFn.await(key, options, deadline, false);
			return (result != null) ? result : AiResult.waitTimeout(key);
		}

		@Override
		public AiResult runAndWait(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
				@Nullable String runId, WaitOptions options) {
			run(key, ttl, metadata, runId);
			return waitFor(key, options);
		}

		@Override
		public AiResult runFn(String key, Supplier<?> fn, RunFnOptions options) {
			return runFn.run(key, fn, options);
		}

	}

	/** The store operations of the {@code runFn} flow; each wakes this JVM's waiters. */
	private final class Leases implements RunFnFlow.Backend {

		@Override
		public RunFnFlow.Attempt acquire(String key, RunFnOptions options) {
			LeaseResult lease = ai.acquire(key, options.ttl(), options.metadata());
			return switch (lease.outcome()) {
				case ACQUIRED -> RunFnFlow.Attempt.acquired(Objects.requireNonNull(lease.record().leaseId()));
				case COMPLETED, FAILED -> RunFnFlow.Attempt.done(resultOf(key, lease.record()));
				case HELD_BY_OTHER -> RunFnFlow.Attempt.held(LeaseStatus.IN_PROGRESS.wireValue());
			};
		}

		@Override
		public void extend(String key, String leaseId, Duration ttl) {
			if (store.extendLease(stored(key), leaseId, ai.leaseTtl(ttl.isZero() ? null : ttl)) == null) {
				throw new StaleLeaseException(key);
			}
		}

		@Override
		public AiResult complete(String key, String leaseId, @Nullable Map<String, Object> result,
				@Nullable String resultJson) {
			Instant doneAt = store.completeLease(stored(key), leaseId, resultJson, null, settings.retention());
			if (doneAt == null) {
				throw new StaleLeaseException(key);
			}
			signals.fire(stored(key));
			return LeaseAnswers.result(LeaseStatus.COMPLETED, key, result, null, null, InstantText.of(doneAt));
		}

		@Override
		public void fail(String key, String leaseId, String errorCode) {
			Instant doneAt = store.failLease(stored(key), leaseId, errorCode, null, settings.retention());
			signals.fire(stored(key));
			if (doneAt == null) {
				throw new StaleLeaseException(key);
			}
		}

		@Override
		public void cancel(String key, String leaseId, String reason) {
			boolean cancelled = store.cancelLease(stored(key), leaseId);
			signals.fire(stored(key));
			if (!cancelled) {
				throw new StaleLeaseException(key);
			}
		}

		@Override
		public RunFnFlow.Watch watch(String key) {
			String storedKey = stored(key);
			return new RunFnFlow.Watch() {

				private KeySignals.@Nullable Signal signal;

				@Override
				public RunFnFlow.Observation read() {
					close();
					this.signal = signals.register(storedKey);
					LeaseRecord record = store.getLease(storedKey);
					if (record != null && record.state().isTerminal()) {
						return new RunFnFlow.Observation(resultOf(key, record), false, null);
					}
					boolean held = record != null && record.isHeld();
					Duration retryAfter = (held && record != null)
							? Duration.ofSeconds(retryAfter(Math.max(0, record.ttlLeft().toSeconds()))) : null;
					return new RunFnFlow.Observation(null, !held, retryAfter);
				}

				@Override
				public void pause(Duration max) {
					KeySignals.Signal current = this.signal;
					if (current != null) {
						current.await(max);
					}
				}

				@Override
				public void close() {
					KeySignals.Signal current = this.signal;
					if (current != null) {
						this.signal = null;
						signals.leave(storedKey, current);
					}
				}

			};
		}

	}

	/** Builds a {@link LocalOnceOnly}; everything but the store has a default. */
	public static final class Builder {

		private final OnceOnlyStore store;

		private EngineSettings settings = EngineSettings.defaults();

		private JsonMapper json = JsonMapper.builder().build();

		private @Nullable ScheduledExecutorService heartbeats;

		private LongSupplier nanoTime = System::nanoTime;

		private @Nullable Heartbeats leaseHeartbeats;

		private LeaseEvents leaseEvents = LeaseEvents.LOGGING;

		private boolean failOpen;

		private @Nullable GovernanceStore governanceStore;

		private LocalTools localTools = new LocalTools();

		private GovernanceSettings governanceSettings = GovernanceSettings.defaults();

		private @Nullable HttpClient httpClient;

		private Builder(OnceOnlyStore store) {
			this.store = Objects.requireNonNull(store, "store");
		}

		/** Limits and defaults of locks and leases. */
		public Builder settings(EngineSettings value) {
			this.settings = Objects.requireNonNull(value);
			return this;
		}

		/** The JSON mapper for metadata and results. */
		public Builder json(JsonMapper value) {
			this.json = Objects.requireNonNull(value);
			return this;
		}

		/**
		 * The scheduler that times lease heartbeats; {@code null} to own a daemon one.
		 * Ignored when {@link #leaseHeartbeats} is set.
		 */
		public Builder heartbeats(@Nullable ScheduledExecutorService value) {
			this.heartbeats = value;
			return this;
		}

		/** The heartbeats that keep leases while work runs (shared by many engines). */
		public Builder leaseHeartbeats(@Nullable Heartbeats value) {
			this.leaseHeartbeats = value;
			return this;
		}

		/** Where lost leases and unknown outcomes are reported; logged by default. */
		public Builder leaseEvents(LeaseEvents value) {
			this.leaseEvents = Objects.requireNonNull(value);
			return this;
		}

		/**
		 * Whether a check-lock answers {@code locked} (marked {@code fail_open}) when the
		 * store is unavailable, instead of throwing {@link StoreException}; off by
		 * default. Leases never fail open.
		 */
		public Builder failOpen(boolean value) {
			this.failOpen = value;
			return this;
		}

		/** The monotonic time source for wait deadlines. */
		public Builder nanoTime(LongSupplier value) {
			this.nanoTime = Objects.requireNonNull(value);
			return this;
		}

		/**
		 * The governance store; in memory on the lease store's clock when not set. With a
		 * namespace in the settings, the engine sees it through a
		 * {@link NamespacedGovernanceStore}, so engines of different namespaces may share
		 * it.
		 */
		public Builder governanceStore(@Nullable GovernanceStore value) {
			this.governanceStore = value;
			return this;
		}

		/** The local Java tools governed calls can execute. */
		public Builder localTools(LocalTools value) {
			this.localTools = Objects.requireNonNull(value);
			return this;
		}

		/** The governance settings (dedup window, run workers…). */
		public Builder governanceSettings(GovernanceSettings value) {
			this.governanceSettings = Objects.requireNonNull(value);
			return this;
		}

		/** The HTTP client for registered tools; a default one when not set. */
		public Builder httpClient(@Nullable HttpClient value) {
			this.httpClient = value;
			return this;
		}

		/** The engine. */
		public LocalOnceOnly build() {
			return new LocalOnceOnly(this);
		}

	}

}
