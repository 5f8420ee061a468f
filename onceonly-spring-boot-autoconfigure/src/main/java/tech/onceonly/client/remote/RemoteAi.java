package tech.onceonly.client.remote;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.AiRun;
import tech.onceonly.client.AiRunOutcome;
import tech.onceonly.client.AiStatus;
import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.ReactiveOnceOnlyAi;
import tech.onceonly.client.ResultObjects;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.client.WaitOptions;

/**
 * Leases, keyed runs, governed tool calls and the SDK flows ({@code wait},
 * {@code runAndWait}, {@code runFn}).
 */
final class RemoteAi implements ReactiveOnceOnlyAi {

	static final String MISSING_KEY_OR_TOOL = "ai.run requires key=... OR agent_id=... and tool=...";

	private static final Duration MIN_HEARTBEAT = Duration.ofSeconds(1);

	private static final Set<String> FREE_STATUSES = Set.of("released", "expired", "not_found");

	private final RemoteHttp http;

	private final JsonMapper jsonMapper;

	RemoteAi(RemoteHttp http, JsonMapper jsonMapper) {
		this.http = http;
		this.jsonMapper = jsonMapper;
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
			return this.http.call(HttpMethod.POST, "/ai/run", body).map(AiRunOutcome::fromRaw);
		});
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
			return this.http.call(HttpMethod.POST, "/ai/run", body).map(AiToolResult::fromRaw);
		});
	}

	@Override
	public Mono<AiStatus> status(String key) {
		return this.http.call(HttpMethod.GET, "/ai/status" + UriEncoding.query(Map.of("key", key)), null)
			.map(AiStatus::fromRaw);
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
			return this.http.call(HttpMethod.POST, "/ai/lease", body).map(AiRun::fromRaw);
		});
	}

	@Override
	public Mono<Map<String, Object>> extend(String key, String leaseId, @Nullable Duration ttl) {
		return Mono.defer(() -> this.http.call(HttpMethod.POST, "/ai/extend",
				new WireBody().put("key", key).put("lease_id", leaseId).put("ttl", WireBody.seconds(ttl)).build()));
	}

	@Override
	public Mono<Map<String, Object>> complete(String key, String leaseId, @Nullable Map<String, ?> result,
			@Nullable String resultHash) {
		return Mono.defer(() -> this.http.call(HttpMethod.POST, "/ai/complete",
				new WireBody().put("key", key)
					.put("lease_id", leaseId)
					.put("result_hash", resultHash)
					.put("result", result)
					.build()));
	}

	@Override
	public Mono<Map<String, Object>> fail(String key, String leaseId, String errorCode, @Nullable String errorHash) {
		return Mono.defer(() -> this.http.call(HttpMethod.POST, "/ai/fail",
				new WireBody().put("key", key)
					.put("lease_id", leaseId)
					.put("error_code", errorCode)
					.put("error_hash", errorHash)
					.build()));
	}

	@Override
	public Mono<Map<String, Object>> cancel(String key, String leaseId, @Nullable String reason) {
		return Mono.defer(() -> this.http.call(HttpMethod.POST, "/ai/cancel",
				new WireBody().put("key", key).put("lease_id", leaseId).putText("reason", reason).build()));
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
		return Mono.defer(() -> poll(key, options, System.nanoTime(), null, false));
	}

	/**
	 * One polling round; with {@code takeOver}, a status saying the key is free again
	 * ({@code released}, {@code expired}, {@code not_found}) ends the wait empty so the
	 * caller can lease the key itself.
	 */
	private Mono<AiResult> poll(String key, WaitOptions options, long start, @Nullable Long lastExtend,
			boolean takeOver) {
		return status(key).flatMap((status) -> {
			if (status.isTerminal()) {
				return result(key);
			}
			long now = System.nanoTime();
			if (now - start >= options.timeout().toNanos()) {
				return Mono.just(AiResult.synthetic("failed", key, "timeout"));
			}
			if (takeOver && FREE_STATUSES.contains(status.status().strip().toLowerCase(Locale.ROOT))) {
				return Mono.empty();
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
				.then(Mono.defer(() -> poll(key, options, start, next, takeOver)));
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
	 * The flow: lease; when acquired (and the answer has a {@code lease_id}, else a
	 * synthetic {@code failed/missing_lease_id} result) extend at once and then every
	 * {@code max(1 s, extendEvery)} until the work ends (errors ignored), subscribe
	 * {@code fn}, complete with its converted result, and return the stored result. When
	 * {@code fn} or complete fails, the lease is failed with {@code errorCode} when
	 * {@code recordFailure} accepts the error, else cancelled (reason {@code errorCode});
	 * errors of that call are ignored and the original error is raised. The return value
	 * is converted with {@link ResultObjects}. {@code completed}/{@code failed} return
	 * the stored result; any other status waits (without heartbeats, bounded by the wait
	 * timeout counted from the start of the call) when {@code waitOnConflict} is on, else
	 * gives a synthetic {@code not_acquired} result. A waiter that sees the key free
	 * again ({@code released}, {@code expired}, {@code not_found}: the holder cancelled
	 * or stopped heartbeating) leases it itself after {@code pollMin}, like the local
	 * engine.
	 */
	@Override
	public Mono<AiResult> runFn(String key, Supplier<? extends Mono<?>> fn, RunFnOptions options) {
		return Mono.defer(() -> attempt(key, fn, options, System.nanoTime()));
	}

	private Mono<AiResult> attempt(String key, Supplier<? extends Mono<?>> fn, RunFnOptions options, long start) {
		return lease(key, options.ttl(), options.metadata()).flatMap((run) -> {
			String status = run.status().strip().toLowerCase(Locale.ROOT);
			if (status.equals("acquired")) {
				String leaseId = run.leaseId();
				if (leaseId == null || leaseId.isEmpty()) {
					return Mono.just(AiResult.synthetic("failed", key, "missing_lease_id"));
				}
				return execute(key, leaseId, fn, options).then(result(key));
			}
			if (status.equals("completed") || status.equals("failed")) {
				return result(key);
			}
			if (options.waitOnConflict()) {
				WaitOptions wait = options.waitOptions().withLease(null, null);
				return poll(key, wait, start, null, true)
					.switchIfEmpty(Mono.delay(wait.pollMin()).then(Mono.defer(() -> attempt(key, fn, options, start))));
			}
			return Mono
				.just(AiResult.synthetic(run.status().isEmpty() ? "in_progress" : run.status(), key, "not_acquired"));
		});
	}

	private Mono<Void> execute(String key, String leaseId, Supplier<? extends Mono<?>> fn, RunFnOptions options) {
		Duration every = (options.extendEvery().compareTo(MIN_HEARTBEAT) < 0) ? MIN_HEARTBEAT : options.extendEvery();
		return Mono.defer(() -> {
			Disposable heartbeat = Flux.interval(Duration.ZERO, every)
				.onBackpressureDrop()
				.concatMap((tick) -> extend(key, leaseId, options.ttl()).onErrorResume((ex) -> Mono.empty()), 1)
				.subscribe((answer) -> {
				}, (ex) -> {
				});
			Mono<?> work = Mono.defer(fn::get);
			return work.map((value) -> Optional.ofNullable(ResultObjects.toResultObject(value, this.jsonMapper)))
				.defaultIfEmpty(Optional.empty())
				.flatMap((result) -> complete(key, leaseId, result.orElse(null), null))
				.onErrorResume((ex) -> release(key, leaseId, ex, options).then(Mono.<Map<String, Object>>error(ex)))
				.doFinally((signal) -> heartbeat.dispose())
				.then();
		});
	}

	private Mono<Void> release(String key, String leaseId, Throwable ex, RunFnOptions options) {
		Mono<Map<String, Object>> call = options.recordFailure().test(ex)
				? fail(key, leaseId, options.errorCode(), null) : cancel(key, leaseId, options.errorCode());
		return call.onErrorResume((error) -> Mono.empty()).then();
	}

}
