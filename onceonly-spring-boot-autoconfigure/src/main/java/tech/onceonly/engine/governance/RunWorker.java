package tech.onceonly.engine.governance;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.LeaseKeeper;
import tech.onceonly.client.OnceOnlyAi;
import tech.onceonly.client.OutcomeUnknownException;
import tech.onceonly.client.RunEvent;
import tech.onceonly.client.StaleLeaseException;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.client.WireMaps;

/**
 * Executes server-side runs (key-mode {@code ai.run}) on a bounded pool: the first
 * {@code maxRunActions} of {@code metadata.actions} (each {@code {tool, args,
 * spend_usd?}}) go through the governed pipeline as {@code metadata.agent_id}, one after
 * another, writing {@code run_started}, {@code tool_call}, {@code tool_result} and
 * {@code run_finished} under {@code metadata.run_id} (default: the key). With
 * {@code dry_run} the actions are only recorded ({@code tool_result} status
 * {@code dry_run}), not decided or executed. A blocked or failed action does not stop the
 * run; a disabled agent does: the run fails with {@code agent_disabled}. The run
 * completes its lease with a summary, or fails it ({@code missing_agent_id},
 * {@code agent_disabled}, {@code run_error}); a run refused by a full queue fails with
 * {@code worker_busy}.
 * <p>
 * The run's lease is heartbeated from the moment the run is queued until its outcome is
 * recorded (path {@code server_run}), so a run waiting for a worker or on an identical
 * tool call never shows {@code expired}. A lost lease is reported, and the run stops
 * before its next action ({@code run_finished} with status {@code abandoned}): whoever
 * took the key over runs it. Each step's dedup lease lasts at most the run's ttl, so when
 * a worker dies, the worker that takes its run over also takes over the interrupted
 * step's claim at once.
 */
final class RunWorker implements AutoCloseable {

	/** The {@link LeaseEvents} path of run leases. */
	static final String SERVER_RUN_PATH = "server_run";

	private final ToolCallPipeline pipeline;

	private final RunTimelines timelines;

	private final GovernanceSettings settings;

	private final Heartbeats heartbeats;

	private final LeaseEvents events;

	private final ThreadPoolExecutor executor;

	RunWorker(ToolCallPipeline pipeline, RunTimelines timelines, GovernanceSettings settings, Heartbeats heartbeats,
			LeaseEvents events) {
		this.pipeline = pipeline;
		this.timelines = timelines;
		this.settings = settings;
		this.heartbeats = heartbeats;
		this.events = events;
		AtomicInteger threads = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(settings.runWorkers(), settings.runWorkers(), 60, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(settings.runQueueCapacity()), (r) -> {
					Thread thread = new Thread(r, "onceonly-run-worker-" + threads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Queues the run whose lease {@code leaseId} was just acquired and starts
	 * heartbeating it; fails the lease when the queue is full.
	 */
	void start(OnceOnlyAi ai, String key, String leaseId, @Nullable Duration ttl, Map<String, Object> metadata) {
		Duration leaseTtl = (ttl != null) ? ttl : this.settings.toolLeaseTtl();
		long acquiredAt = this.heartbeats.nanoTime();
		LeaseKeeper keeper = this.heartbeats.keep(SERVER_RUN_PATH, key, leaseTtl,
				this.settings.heartbeatPeriod(leaseTtl), acquiredAt, () -> ai.extend(key, leaseId, leaseTtl),
				this.events);
		try {
			this.executor.execute(new QueuedRun(keeper, () -> run(ai, key, leaseId, leaseTtl, metadata, keeper)));
		}
		catch (RejectedExecutionException ex) {
			keeper.close();
			ai.fail(key, leaseId, "worker_busy", null);
		}
	}

	private void run(OnceOnlyAi ai, String key, String leaseId, Duration ttl, Map<String, Object> metadata,
			LeaseKeeper keeper) {
		String runId = (metadata.get("run_id") instanceof String id && !id.isBlank()) ? id.trim() : key;
		String agentId = (metadata.get("agent_id") instanceof String id && !id.isBlank()) ? id : null;
		try {
			boolean dryRun = WireMaps.truthy(metadata.get("dry_run"));
			List<Object> declared = WireMaps.list(metadata.get("actions"));
			List<Object> actions = (declared != null)
					? declared.subList(0, Math.min(declared.size(), this.settings.maxRunActions())) : List.of();
			String errorCode = null;
			Map<String, Object> result = null;
			try {
				event(runId, "run_started", "started", null, null, agentId, leaseId,
						data("actions", actions.size(), "dry_run", dryRun));
				if (agentId == null && !actions.isEmpty()) {
					errorCode = "missing_agent_id";
				}
				else {
					Summary summary = new Summary(runId, agentId, dryRun, declared != null ? declared.size() : 0);
					for (int i = 0; i < actions.size(); i++) {
						if (keeper.lost()) {
							abandon(runId, agentId, leaseId);
							return;
						}
						if (!step(runId, agentId, i + 1, actions.get(i), dryRun, summary, ttl)) {
							errorCode = "agent_disabled";
							break;
						}
					}
					result = summary.toResult();
				}
			}
			catch (RuntimeException ex) {
				errorCode = "run_error";
				result = null;
			}
			if (keeper.lost()) {
				abandon(runId, agentId, leaseId);
				return;
			}
			finish(ai, key, leaseId, runId, agentId, errorCode, result, keeper);
		}
		catch (RuntimeException ex) {
			// already reported through the keeper; never let a worker thread die of it
		}
		finally {
			keeper.close();
		}
	}

	/** The run's lease was taken over: stop, leaving the key to its new holder. */
	private void abandon(String runId, @Nullable String agentId, String leaseId) {
		event(runId, "run_finished", "abandoned", null, null, agentId, leaseId, data("error_code", "lease_lost"));
	}

	/** Runs one action; false when the agent is disabled (the run stops). */
	private boolean step(String runId, @Nullable String agentId, int step, Object action, boolean dryRun,
			Summary summary, Duration runTtl) {
		Map<String, Object> spec = WireMaps.object(action);
		String tool = (spec != null && spec.get("tool") instanceof String name && !name.isBlank()) ? name : null;
		String stepId = Integer.toString(step);
		if (spec == null || tool == null || agentId == null) {
			event(runId, "tool_result", "error", stepId, null, agentId, null, data("error", "invalid_action"));
			summary.add(stepId, null, "invalid", "invalid_action", false);
			return true;
		}
		Map<String, Object> args = WireMaps.object(spec, "args");
		event(runId, "tool_call", "started", stepId, tool, agentId, null,
				data("args", (args != null) ? args : Map.of()));
		if (dryRun) {
			event(runId, "tool_result", "dry_run", stepId, tool, agentId, null, null);
			summary.add(stepId, tool, "dry_run", "dry_run", true);
			return true;
		}
		BigDecimal spend = WireMaps.decimal(spec, "spend_usd");
		long started = System.nanoTime();
		AiToolResult result;
		try {
			result = this.pipeline.call(new ToolCallRequest(agentId, tool, args, spend, runId), null, null, runTtl)
				.result();
		}
		catch (OutcomeUnknownException ex) {
			event(runId, "tool_result", "error", stepId, tool, agentId, null, data("decision", "executed",
					"policy_reason", OutcomeUnknownException.ERROR_CODE, "error", OutcomeUnknownException.ERROR_CODE));
			summary.add(stepId, tool, "executed", OutcomeUnknownException.ERROR_CODE, false);
			return true;
		}
		catch (RuntimeException ex) {
			event(runId, "tool_result", "error", stepId, tool, agentId, null,
					data("error", (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName()));
			summary.add(stepId, tool, "error", "error", false);
			return true;
		}
		long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		String status = !result.ok() ? "error" : result.decision().equals("blocked") ? "blocked" : "ok";
		Map<String, Object> data = data("decision", result.decision(), "policy_reason", result.policyReason(),
				"risk_level", result.riskLevel());
		if (result.result() != null) {
			data.put("result", result.result());
		}
		this.timelines.post(new RunEvent(runId, "tool_result", null, status, durationMs, stepId, tool, null, null,
				agentId, null, data, null));
		summary.add(stepId, tool, result.decision(), result.policyReason(), result.ok());
		return !"agent_disabled".equals(result.policyReason());
	}

	/**
	 * Records the run's outcome, retrying while its lease is held; a refusal because the
	 * lease was taken over, or an outcome that stays unknown, is reported by the keeper.
	 */
	private void finish(OnceOnlyAi ai, String key, String leaseId, String runId, @Nullable String agentId,
			@Nullable String errorCode, @Nullable Map<String, Object> result, LeaseKeeper keeper) {
		try {
			event(runId, "run_finished", (errorCode == null) ? "completed" : "failed", null, null, agentId, leaseId,
					(errorCode != null) ? data("error_code", errorCode) : null);
		}
		catch (RuntimeException ex) {
			// the timeline is a record of the run, not its outcome: record the outcome
		}
		try {
			keeper.record(() -> (errorCode == null) ? ai.complete(key, leaseId, result, null)
					: ai.fail(key, leaseId, errorCode, null));
		}
		catch (StaleLeaseException | OutcomeUnknownException ex) {
			// reported by the keeper (lease lost, outcome unknown); the key stays as it
			// is
		}
		catch (RuntimeException ex) {
			keeper.outcomeUnknown(ex);
		}
	}

	private void event(String runId, String type, String status, @Nullable String step, @Nullable String tool,
			@Nullable String agentId, @Nullable String leaseId, @Nullable Map<String, Object> data) {
		this.timelines
			.post(new RunEvent(runId, type, null, status, null, step, tool, null, leaseId, agentId, null, data, null));
	}

	private static Map<String, Object> data(@Nullable Object... pairs) {
		Map<String, Object> data = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			if (pairs[i + 1] != null) {
				data.put((String) pairs[i], pairs[i + 1]);
			}
		}
		return data;
	}

	/**
	 * Stops the workers: running runs are interrupted, queued ones dropped (their leases
	 * are no longer heartbeated and expire, so a resubmission runs them).
	 */
	@Override
	public void close() {
		for (Runnable dropped : this.executor.shutdownNow()) {
			if (dropped instanceof QueuedRun queued) {
				queued.keeper.close();
			}
		}
	}

	/** A run waiting for a worker, with the keeper of its lease. */
	private record QueuedRun(LeaseKeeper keeper, Runnable body) implements Runnable {

		@Override
		public void run() {
			this.body.run();
		}

	}

	/** What a run did, stored as its result. */
	private static final class Summary {

		private final Map<String, Object> result = new LinkedHashMap<>();

		private final List<Map<String, Object>> steps = new ArrayList<>();

		private final Map<String, Integer> counts = new LinkedHashMap<>();

		Summary(String runId, @Nullable String agentId, boolean dryRun, int declared) {
			this.result.put("run_id", runId);
			this.result.put("agent_id", agentId);
			this.result.put("dry_run", dryRun);
			this.result.put("actions_total", declared);
		}

		void add(String step, @Nullable String tool, String decision, @Nullable String reason, boolean ok) {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("step", step);
			row.put("tool", tool);
			row.put("decision", decision);
			row.put("policy_reason", reason);
			row.put("ok", ok);
			this.steps.add(row);
			this.counts.merge(decision, 1, Integer::sum);
		}

		Map<String, Object> toResult() {
			Map<String, Object> out = new LinkedHashMap<>(this.result);
			out.put("actions_run", this.steps.size());
			out.put("executed", this.counts.getOrDefault("executed", 0));
			out.put("blocked", this.counts.getOrDefault("blocked", 0));
			out.put("dedup", this.counts.getOrDefault("dedup", 0));
			out.put("errors", this.steps.stream().filter((s) -> !Boolean.TRUE.equals(s.get("ok"))).count());
			out.put("steps", this.steps);
			return out;
		}

	}

}
