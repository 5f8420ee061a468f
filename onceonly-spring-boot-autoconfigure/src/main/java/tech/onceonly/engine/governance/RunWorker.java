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
import tech.onceonly.client.OnceOnlyAi;
import tech.onceonly.client.RunEvent;
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
 */
final class RunWorker implements AutoCloseable {

	private final ToolCallPipeline pipeline;

	private final RunTimelines timelines;

	private final GovernanceSettings settings;

	private final ThreadPoolExecutor executor;

	RunWorker(ToolCallPipeline pipeline, RunTimelines timelines, GovernanceSettings settings) {
		this.pipeline = pipeline;
		this.timelines = timelines;
		this.settings = settings;
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
	 * Queues the run whose lease {@code leaseId} was just acquired; fails the lease when
	 * the queue is full.
	 */
	void start(OnceOnlyAi ai, String key, String leaseId, @Nullable Duration ttl, Map<String, Object> metadata) {
		try {
			this.executor.execute(() -> run(ai, key, leaseId, ttl, metadata));
		}
		catch (RejectedExecutionException ex) {
			ai.fail(key, leaseId, "worker_busy", null);
		}
	}

	private void run(OnceOnlyAi ai, String key, String leaseId, @Nullable Duration ttl, Map<String, Object> metadata) {
		String runId = (metadata.get("run_id") instanceof String id && !id.isBlank()) ? id.trim() : key;
		String agentId = (metadata.get("agent_id") instanceof String id && !id.isBlank()) ? id : null;
		boolean dryRun = WireMaps.truthy(metadata.get("dry_run"));
		List<Object> declared = WireMaps.list(metadata.get("actions"));
		List<Object> actions = (declared != null)
				? declared.subList(0, Math.min(declared.size(), this.settings.maxRunActions())) : List.of();
		try {
			event(runId, "run_started", "started", null, null, agentId, leaseId,
					data("actions", actions.size(), "dry_run", dryRun));
			if (agentId == null && !actions.isEmpty()) {
				finish(ai, key, leaseId, runId, agentId, "missing_agent_id", null);
				return;
			}
			Summary summary = new Summary(runId, agentId, dryRun, declared != null ? declared.size() : 0);
			for (int i = 0; i < actions.size(); i++) {
				if (!step(runId, agentId, i + 1, actions.get(i), dryRun, summary)) {
					finish(ai, key, leaseId, runId, agentId, "agent_disabled", summary.toResult());
					return;
				}
				ai.extend(key, leaseId, ttl);
			}
			finish(ai, key, leaseId, runId, agentId, null, summary.toResult());
		}
		catch (RuntimeException ex) {
			finish(ai, key, leaseId, runId, agentId, "run_error", null);
		}
	}

	/** Runs one action; false when the agent is disabled (the run stops). */
	private boolean step(String runId, @Nullable String agentId, int step, Object action, boolean dryRun,
			Summary summary) {
		Map<String, Object> spec = WireMaps.object(action);
		String tool = (spec != null && spec.get("tool") instanceof String name && !name.isBlank()) ? name : null;
		String stepId = Integer.toString(step);
		if (tool == null || agentId == null) {
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
			result = this.pipeline.call(new ToolCallRequest(agentId, tool, args, spend, runId)).result();
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

	private void finish(OnceOnlyAi ai, String key, String leaseId, String runId, @Nullable String agentId,
			@Nullable String errorCode, @Nullable Map<String, Object> result) {
		try {
			event(runId, "run_finished", (errorCode == null) ? "completed" : "failed", null, null, agentId, leaseId,
					(errorCode != null) ? data("error_code", errorCode) : null);
		}
		finally {
			if (errorCode == null) {
				ai.complete(key, leaseId, result, null);
			}
			else {
				ai.fail(key, leaseId, errorCode, null);
			}
		}
	}

	private void event(String runId, String type, String status, @Nullable String step, @Nullable String tool,
			@Nullable String agentId, @Nullable String leaseId, @Nullable Map<String, Object> data) {
		this.timelines
			.post(new RunEvent(runId, type, null, status, null, step, tool, null, leaseId, agentId, null, data, null));
	}

	private static Map<String, Object> data(Object... pairs) {
		Map<String, Object> data = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			if (pairs[i + 1] != null) {
				data.put((String) pairs[i], pairs[i + 1]);
			}
		}
		return data;
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
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
