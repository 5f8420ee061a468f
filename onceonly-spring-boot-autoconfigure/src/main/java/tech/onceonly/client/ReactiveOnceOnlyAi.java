package tech.onceonly.client;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * {@link OnceOnlyAi} with {@code Mono} results; each method means what its blocking twin
 * means.
 */
public interface ReactiveOnceOnlyAi {

	Mono<AiRunOutcome> run(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String runId);

	Mono<AiToolResult> runTool(ToolCallRequest call);

	Mono<AiStatus> status(String key);

	Mono<AiResult> result(String key);

	Mono<AiRun> lease(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata);

	Mono<LeaseChange> extend(String key, String leaseId, @Nullable Duration ttl);

	Mono<LeaseChange> complete(String key, String leaseId, @Nullable Map<String, ?> result,
			@Nullable String resultHash);

	Mono<LeaseChange> fail(String key, String leaseId, String errorCode, @Nullable String errorHash);

	Mono<LeaseChange> cancel(String key, String leaseId, @Nullable String reason);

	Mono<AiResult> waitFor(String key, WaitOptions options);

	Mono<AiResult> runAndWait(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String runId, WaitOptions options);

	/**
	 * See {@link OnceOnlyAi#runFn}; {@code fn} is subscribed only by the caller that
	 * acquires the lease.
	 */
	Mono<AiResult> runFn(String key, Supplier<? extends Mono<?>> fn, RunFnOptions options);

	/**
	 * The neutral name of {@link #runFn} (the same call); see {@link OnceOnlyAi#runOnce}.
	 */
	default Mono<AiResult> runOnce(String key, Supplier<? extends Mono<?>> fn, RunFnOptions options) {
		return runFn(key, fn, options);
	}

}
