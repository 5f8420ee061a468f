package tech.onceonly.engine.governance;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OnceOnlyAi;
import tech.onceonly.client.OnceOnlyGov;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.OnceOnlyStore;

/**
 * Agent governance on a {@link GovernanceStore}: the governance API ({@link #gov()}), the
 * governed tool-call pipeline ({@link #call}), server-side runs and run timelines. Every
 * engine instance sharing a store sees the same policies, kill switch, counters, audit
 * log, tools and timelines at its next call.
 */
public final class GovernanceEngine implements AutoCloseable {

	private final GovernanceStore store;

	private final LocalTools localTools;

	private final LocalGovernance gov;

	private final ToolCallPipeline pipeline;

	private final RunTimelines timelines;

	private final RunWorker runs;

	/**
	 * An engine.
	 * @param store the governance store
	 * @param leases the lease store the dedup leases live in
	 * @param namespace the key prefix of this engine's leases ("" for none)
	 * @param localTools the local Java tools
	 * @param settings the settings
	 * @param json the mapper for tool results
	 * @param httpClient the client for registered HTTP tools, or {@code null} for a
	 * default one
	 * @param nanoTime the monotonic time for waits
	 */
	public GovernanceEngine(GovernanceStore store, OnceOnlyStore leases, String namespace, LocalTools localTools,
			GovernanceSettings settings, JsonMapper json, @Nullable HttpClient httpClient, LongSupplier nanoTime) {
		this(store, leases, namespace, localTools, settings, json, httpClient, nanoTime, Heartbeats.shared(),
				LeaseEvents.LOGGING);
	}

	/**
	 * An engine whose dedup leases and server-side run leases are heartbeated by
	 * {@code heartbeats} while their work runs, and whose lost leases, retried
	 * completions and unknown outcomes are reported to {@code events} (paths
	 * {@code tool_call} and {@code server_run}).
	 * @param store the governance store
	 * @param leases the lease store the dedup leases live in
	 * @param namespace the key prefix of this engine's leases ("" for none)
	 * @param localTools the local Java tools
	 * @param settings the settings
	 * @param json the mapper for tool results
	 * @param httpClient the client for registered HTTP tools, or {@code null} for a
	 * default one
	 * @param nanoTime the monotonic time for waits
	 * @param heartbeats keeps leases alive while their work runs
	 * @param events where lease events are reported
	 */
	public GovernanceEngine(GovernanceStore store, OnceOnlyStore leases, String namespace, LocalTools localTools,
			GovernanceSettings settings, JsonMapper json, @Nullable HttpClient httpClient, LongSupplier nanoTime,
			Heartbeats heartbeats, LeaseEvents events) {
		this.store = store;
		this.localTools = localTools;
		JsonMapper canonical = json.rebuild()
			.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
			.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
			.build();
		PolicyCache policies = new PolicyCache(store, canonical);
		RegisteredTools registry = new RegisteredTools(store);
		HttpToolInvoker http = new HttpToolInvoker(httpClient, json, store::now, settings.httpRetryBackoff());
		this.gov = new LocalGovernance(store, policies, registry, canonical);
		this.pipeline = new ToolCallPipeline(store, leases, namespace, localTools, registry, http, policies, json,
				canonical, settings, nanoTime, heartbeats, events);
		this.timelines = new RunTimelines(store, canonical);
		this.runs = new RunWorker(this.pipeline, this.timelines, settings, heartbeats, events);
	}

	/** The governance store. */
	public GovernanceStore store() {
		return this.store;
	}

	/** The local Java tools; tools registered here are callable at once. */
	public LocalTools localTools() {
		return this.localTools;
	}

	/** Policies, the kill switch, audit logs, metrics and the tools registry. */
	public OnceOnlyGov gov() {
		return this.gov;
	}

	/** Run timelines and events. */
	public RunTimelines timelines() {
		return this.timelines;
	}

	/** Decides and, when allowed, executes a call to a local or registered tool. */
	public ToolCallOutcome call(ToolCallRequest call) {
		return this.pipeline.call(call);
	}

	/**
	 * Decides and, when allowed, executes a call with {@code handler} as the tool (a
	 * governed Java method).
	 */
	public ToolCallOutcome call(ToolCallRequest call, ToolHandler handler, @Nullable String riskLevel) {
		return this.pipeline.call(call, handler, riskLevel);
	}

	/**
	 * Decides a call to a tool the caller runs itself, elsewhere, without running it (see
	 * {@link ToolCallPipeline#decide}).
	 */
	public ToolDecision decide(ToolCallRequest call, @Nullable String riskLevel, Duration claimTtl) {
		return this.pipeline.decide(call, riskLevel, claimTtl);
	}

	/** Records that a decided call's tool returned {@code value}. */
	public ToolCallOutcome complete(PendingToolCall pending, @Nullable Object value) {
		return this.pipeline.complete(pending, value);
	}

	/** Records that a decided call's tool failed. */
	public ToolCallOutcome fail(PendingToolCall pending, String message) {
		return this.pipeline.fail(pending, message);
	}

	/**
	 * Starts the worker of a run whose lease was just acquired through {@code ai}: from
	 * now until the run's outcome is recorded, queued or running, the run's lease is
	 * heartbeated (path {@code server_run}).
	 * @param ttl the run lease's ttl, or {@code null} to renew it with
	 * {@link GovernanceSettings#toolLeaseTtl()}
	 */
	public void startRun(OnceOnlyAi ai, String key, String leaseId, @Nullable Duration ttl,
			Map<String, Object> metadata) {
		this.runs.start(ai, key, leaseId, ttl, metadata);
	}

	@Override
	public void close() {
		this.runs.close();
	}

	/**
	 * A clock that reads {@code store}'s time, for stores that share a lease store's
	 * clock.
	 */
	public static Clock clockOf(OnceOnlyStore store) {
		return new StoreClock(store);
	}

	private static final class StoreClock extends Clock {

		private final OnceOnlyStore store;

		StoreClock(OnceOnlyStore store) {
			this.store = store;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return Clock.fixed(instant(), zone);
		}

		@Override
		public Instant instant() {
			return this.store.now();
		}

	}

}
