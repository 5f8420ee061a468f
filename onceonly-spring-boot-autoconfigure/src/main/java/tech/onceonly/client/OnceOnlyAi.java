package tech.onceonly.client;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Leases (the exactly-once core), keyed runs, governed tool calls, and the client flows
 * built on them.
 */
public interface OnceOnlyAi {

	/**
	 * Starts, or attaches to, the keyed run {@code key} (key-mode {@code POST /ai/run}).
	 * A run that acquires the lease has its {@code metadata.actions} executed by a
	 * worker; its outcome is read with {@link #status} and {@link #result}.
	 * @param runId the run id, sent as {@code metadata.run_id}; must not be blank when
	 * given
	 */
	AiRunOutcome run(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata, @Nullable String runId);

	/**
	 * Executes a governed tool call (tool-mode {@code POST /ai/run}) and returns its
	 * decision and result.
	 */
	AiToolResult runTool(ToolCallRequest call);

	/** The state of a keyed lease or run. */
	AiStatus status(String key);

	/** The stored outcome of a keyed lease or run. */
	AiResult result(String key);

	/**
	 * Tries to lease {@code key}: {@code acquired} with a fresh {@code lease_id} (the
	 * fencing token), or {@code polling} while someone else holds it, or
	 * {@code completed}/{@code failed} once the work is done.
	 */
	AiRun lease(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata);

	/**
	 * Extends the lease (heartbeat).
	 * @throws StaleLeaseException when {@code leaseId} no longer holds the key
	 */
	LeaseChange extend(String key, String leaseId, @Nullable Duration ttl);

	/**
	 * Completes the work with its result, kept for the retention period.
	 * @throws StaleLeaseException when {@code leaseId} no longer holds the key
	 */
	LeaseChange complete(String key, String leaseId, @Nullable Map<String, ?> result, @Nullable String resultHash);

	/**
	 * Records the work as failed (terminal), kept for the retention period.
	 * @throws StaleLeaseException when {@code leaseId} no longer holds the key
	 */
	LeaseChange fail(String key, String leaseId, String errorCode, @Nullable String errorHash);

	/**
	 * Releases the lease so the work may run again.
	 * @throws StaleLeaseException when {@code leaseId} no longer holds the key
	 */
	LeaseChange cancel(String key, String leaseId, @Nullable String reason);

	/**
	 * Polls {@code key} until its work is terminal and returns the result, or a synthetic
	 * {@code failed/timeout} result after {@code options.timeout()}.
	 */
	AiResult waitFor(String key, WaitOptions options);

	/** Starts or joins the keyed run and waits for its result. */
	AiResult runAndWait(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata, @Nullable String runId,
			WaitOptions options);

	/**
	 * Runs {@code fn} exactly once for {@code key}: the caller that acquires the lease
	 * runs it (heartbeating the lease), completes with its result and returns the stored
	 * result; every other caller gets the first execution's stored result (waiting for it
	 * when it is in progress and {@code waitOnConflict} is on). A return value that is
	 * not a JSON object is stored as {@code {"value": …}}.
	 */
	AiResult runFn(String key, Supplier<?> fn, RunFnOptions options);

	/**
	 * Runs {@code fn} once for {@code key} and replays its result to every later or
	 * concurrent caller: the neutral name of {@link #runFn} (the same call), for any
	 * operation whose result a retry must get back, as {@code @RunOnce} is for
	 * {@code @IdempotentAi}.
	 */
	default AiResult runOnce(String key, Supplier<?> fn, RunFnOptions options) {
		return runFn(key, fn, options);
	}

}
