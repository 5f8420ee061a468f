package tech.onceonly.client.remote;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.AiRun;
import tech.onceonly.client.AiRunOutcome;
import tech.onceonly.client.AiStatus;
import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.LeaseChange;
import tech.onceonly.client.LeaseStatus;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.ReactiveOnceOnlyAi;
import tech.onceonly.client.RunFnFlow;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.client.WaitOptions;

/**
 * Leases, keyed runs, governed tool calls and the SDK flows ({@code wait},
 * {@code runAndWait}, {@code runFn}).
 */
final class RemoteAi implements ReactiveOnceOnlyAi {

	static final String MISSING_KEY_OR_TOOL = "ai.run requires key=... OR agent_id=... and tool=...";

	private final RemoteHttp http;

	private final JsonMapper jsonMapper;

	private final RunFnFlow runFn;

	RemoteAi(RemoteHttp http, JsonMapper jsonMapper, LeaseEvents leaseEvents) {
		this.http = http;
		this.jsonMapper = jsonMapper;
		this.runFn = RunFnFlow.overReactive(() -> this, jsonMapper, Heartbeats.shared(), leaseEvents);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * A blank key fails with "ai.run requires key=... OR agent_id=... and tool=..."; a
	 * blank {@code runId} with "run_id must not be empty". A given run id is trimmed and
	 * sent as {@code metadata.run_id}.
	 */
	@Override
	public Mono<AiRunOutcome> run(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String runId) {
		return Mono.defer(() -> {
			if (key == null || key.isBlank()) {
				throw new IllegalArgumentException(MISSING_KEY_OR_TOOL);
			}
			Map<String, Object> meta = ReactiveRemoteOnceOnly.metadata(this.jsonMapper, metadata);
			if (runId != null) {
				String id = ReactiveRemoteOnceOnly.requireText(runId, "run_id");
				meta = (meta != null) ? new LinkedHashMap<>(meta) : new LinkedHashMap<>();
				meta.put("run_id", id);
			}
			Map<String, Object> body = new WireBody().put("key", key)
				.put("ttl", WireBody.seconds(ttl))
				.put("metadata", meta)
				.build();
			return this.http.exchange(HttpMethod.POST, "/ai/run", body, null).map((response) -> {
				AiRunOutcome outcome = AiRunOutcome.fromRaw(this.http.parser().parse(response));
				return ReactiveRemoteOnceOnly.ownAnswer(response,
						(outcome instanceof AiRun run) ? heldByOther(run) : isDedup((AiToolResult) outcome), outcome);
			});
		});
	}

	/**
	 * Whether a lease answer says the work is someone else's (neither acquired nor
	 * finished).
	 */
	private static boolean heldByOther(AiRun run) {
		LeaseStatus status = run.leaseStatus();
		return status != LeaseStatus.ACQUIRED && !status.isTerminal();
	}

	private static boolean isDedup(AiToolResult result) {
		return "dedup".equalsIgnoreCase(result.decision().strip());
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * A blank agent id or tool fails with "ai.run requires key=... OR agent_id=... and
	 * tool=..."; a blank run id with "run_id must not be empty". {@code args} (with
	 * {@code run_id} added) is sent only when it is not empty. An answer without
	 * {@code allowed}/{@code decision} is mapped as a tool result all the same.
	 */
	@Override
	public Mono<AiToolResult> runTool(ToolCallRequest call) {
		return Mono.defer(() -> {
			if (call.agentId() == null || call.agentId().isBlank() || call.tool() == null || call.tool().isBlank()) {
				throw new IllegalArgumentException(MISSING_KEY_OR_TOOL);
			}
			Map<String, Object> args = new LinkedHashMap<>();
			if (call.args() != null) {
				args.putAll(call.args());
			}
			if (call.runId() != null) {
				args.put("run_id", ReactiveRemoteOnceOnly.requireText(call.runId(), "run_id"));
			}
			Map<String, Object> body = new WireBody().put("agent_id", call.agentId())
				.put("tool", call.tool())
				.put("args", args.isEmpty() ? null : args)
				.put("spend_usd", call.spendUsd())
				.build();
			return this.http.exchange(HttpMethod.POST, "/ai/run", body, null).map((response) -> {
				AiToolResult result = AiToolResult.fromRaw(this.http.parser().parse(response));
				return ReactiveRemoteOnceOnly.ownAnswer(response, isDedup(result), result);
			});
		});
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * {@code onceonly-server} answers a released, expired or unknown key as
	 * {@code failed} (the hosted API's vocabulary, so the official waiters stop) with the
	 * engine's word in {@code lease_state}; this client reports that word as the status
	 * ({@code released}, {@code expired}, {@code not_found}), so {@code runFn} sees a
	 * free key it may take over, as with the embedded engine.
	 */
	@Override
	public Mono<AiStatus> status(String key) {
		return this.http.call(HttpMethod.GET, "/ai/status" + UriEncoding.query(Map.of("key", key)), null)
			.map((raw) -> AiStatus.fromRaw(withLeaseState(raw)));
	}

	static Map<String, Object> withLeaseState(Map<String, Object> raw) {
		if (raw.get("lease_state") instanceof String state && LeaseStatus.of(state).isFree()) {
			Map<String, Object> copy = new LinkedHashMap<>(raw);
			copy.put("status", state);
			return copy;
		}
		return raw;
	}

	@Override
	public Mono<AiResult> result(String key) {
		return this.http.call(HttpMethod.GET, "/ai/result" + UriEncoding.query(Map.of("key", key)), null)
			.map(AiResult::fromRaw);
	}

	@Override
	public Mono<AiRun> lease(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata) {
		return Mono.defer(() -> {
			Map<String, Object> body = new WireBody().put("key", key)
				.put("ttl", WireBody.seconds(ttl))
				.put("metadata", ReactiveRemoteOnceOnly.metadata(this.jsonMapper, metadata))
				.build();
			return this.http.exchange(HttpMethod.POST, "/ai/lease", body, null).map((response) -> {
				AiRun run = AiRun.fromRaw(this.http.parser().parse(response));
				return ReactiveRemoteOnceOnly.ownAnswer(response, heldByOther(run), run);
			});
		});
	}

	@Override
	public Mono<LeaseChange> extend(String key, String leaseId, @Nullable Duration ttl) {
		return Mono
			.defer(() -> this.http.call(HttpMethod.POST, "/ai/extend",
					new WireBody().put("key", key).put("lease_id", leaseId).put("ttl", WireBody.seconds(ttl)).build()))
			.map(LeaseChange::fromRaw);
	}

	@Override
	public Mono<LeaseChange> complete(String key, String leaseId, @Nullable Map<String, ?> result,
			@Nullable String resultHash) {
		return Mono.defer(() -> this.http.call(HttpMethod.POST, "/ai/complete",
				new WireBody().put("key", key)
					.put("lease_id", leaseId)
					.put("result_hash", resultHash)
					.put("result", result)
					.build()))
			.map(LeaseChange::fromRaw);
	}

	@Override
	public Mono<LeaseChange> fail(String key, String leaseId, String errorCode, @Nullable String errorHash) {
		return Mono.defer(() -> this.http.call(HttpMethod.POST, "/ai/fail",
				new WireBody().put("key", key)
					.put("lease_id", leaseId)
					.put("error_code", errorCode)
					.put("error_hash", errorHash)
					.build()))
			.map(LeaseChange::fromRaw);
	}

	@Override
	public Mono<LeaseChange> cancel(String key, String leaseId, @Nullable String reason) {
		return Mono
			.defer(() -> this.http.call(HttpMethod.POST, "/ai/cancel",
					new WireBody().put("key", key).put("lease_id", leaseId).putText("reason", reason).build()))
			.map(LeaseChange::fromRaw);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Each round reads the status (at least once, even with a zero timeout), returns the
	 * result once it is terminal, gives up with a synthetic {@code failed/timeout} result
	 * after the timeout, extends {@code leaseId} when due (the first round extends at
	 * once; errors are ignored), then sleeps the status's {@code retry_after_sec} clamped
	 * to [pollMin, pollMax] (pollMin wins when it is larger). Errors of status and result
	 * calls are raised.
	 */
	@Override
	public Mono<AiResult> waitFor(String key, WaitOptions options) {
		return Mono.defer(() -> poll(key, options, System.nanoTime(), null));
	}

	/** One polling round: the result when terminal, else wait and poll again. */
	private Mono<AiResult> poll(String key, WaitOptions options, long start, @Nullable Long lastExtend) {
		return status(key).flatMap((status) -> {
			if (status.isTerminal() || status.raw().get("lease_state") != null) {
				return result(key);
			}
			long now = System.nanoTime();
			if (now - start >= options.timeout().toNanos()) {
				return Mono.just(AiResult.waitTimeout(key));
			}
			Mono<Void> heartbeat = Mono.empty();
			Long extendedAt = lastExtend;
			String leaseId = options.leaseId();
			if (options.autoExtend() && leaseId != null && !leaseId.isEmpty()
					&& (lastExtend == null || now - lastExtend >= options.extendEvery().toNanos())) {
				heartbeat = extend(key, leaseId, options.ttl()).onErrorResume((ex) -> Mono.empty()).then();
				extendedAt = now;
			}
			Long next = extendedAt;
			return heartbeat.then(Mono.delay(sleep(status, options)))
				.then(Mono.defer(() -> poll(key, options, start, next)));
		});
	}

	private static Duration sleep(AiStatus status, WaitOptions options) {
		Duration min = options.pollMin();
		Duration max = (options.pollMax().compareTo(min) < 0) ? min : options.pollMax();
		Duration wanted = min;
		if (status.raw().get("retry_after_sec") instanceof Number seconds) {
			wanted = Duration.ofNanos((long) (Math.max(0, seconds.doubleValue()) * 1e9));
		}
		if (wanted.compareTo(min) < 0) {
			return min;
		}
		return (wanted.compareTo(max) > 0) ? max : wanted;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Starts (or joins) the run, then waits for it; the run's {@code lease_id} and
	 * {@code ttl} are heartbeated while waiting when {@code autoExtend} is on.
	 */
	@Override
	public Mono<AiResult> runAndWait(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String runId, WaitOptions options) {
		return run(key, ttl, metadata, runId).flatMap((outcome) -> {
			String leaseId = (outcome instanceof AiRun run && run.leaseId() != null) ? run.leaseId()
					: options.leaseId();
			return waitFor(key, options.withLease(leaseId, (ttl != null) ? ttl : options.ttl()));
		});
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The one {@link RunFnFlow}, on a {@code boundedElastic} thread: lease; when
	 * acquired, subscribe {@code fn} (with this subscriber's context) while heartbeats
	 * keep the lease, complete with its converted result and read the stored result back
	 * (as the SDKs do). The work is not tied to the subscription: a subscriber that
	 * cancels (a client that disconnected) does not stop it nor release its key; its
	 * outcome is recorded when it ends. See {@link RunFnFlow} for failures.
	 */
	@Override
	public Mono<AiResult> runFn(String key, Supplier<? extends Mono<?>> fn, RunFnOptions options) {
		return RunFnFlow.detached(Schedulers.boundedElastic(), fn, (work) -> this.runFn.run(key, work, options));
	}

}
