package tech.onceonly.spring.observation;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.AiRun;
import tech.onceonly.client.AiRunOutcome;
import tech.onceonly.client.AiStatus;
import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.LeaseChange;
import tech.onceonly.client.ReactiveOnceOnlyAi;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.client.WaitOptions;

/** The observed {@code Mono} leases API of an {@link ObservedOnceOnly}. */
final class ObservedReactiveAi implements ReactiveOnceOnlyAi {

	private final ClientObserver observer;

	private final Supplier<ReactiveOnceOnlyAi> target;

	ObservedReactiveAi(ClientObserver observer, Supplier<ReactiveOnceOnlyAi> target) {
		this.observer = observer;
		this.target = target;
	}

	private ReactiveOnceOnlyAi target() {
		return this.target.get();
	}

	@Override
	public Mono<AiRunOutcome> run(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String runId) {
		return this.observer.observeMono("run", () -> target().run(key, ttl, metadata, runId), Outcomes::of);
	}

	@Override
	public Mono<AiToolResult> runTool(ToolCallRequest call) {
		return this.observer.observeMono("run_tool", () -> target().runTool(call), Outcomes::of, (ex) -> Outcomes.ERROR,
				(meters, result) -> meters.decision(call.agentId(), result));
	}

	@Override
	public Mono<AiStatus> status(String key) {
		return this.observer.observeMono("status", () -> target().status(key), ClientObserver.success());
	}

	@Override
	public Mono<AiResult> result(String key) {
		return this.observer.observeMono("result", () -> target().result(key), Outcomes::of);
	}

	@Override
	public Mono<AiRun> lease(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata) {
		return this.observer.observeMono("lease", () -> target().lease(key, ttl, metadata), Outcomes::of);
	}

	@Override
	public Mono<LeaseChange> extend(String key, String leaseId, @Nullable Duration ttl) {
		return this.observer.observeMono("extend", () -> target().extend(key, leaseId, ttl), ClientObserver.success());
	}

	@Override
	public Mono<LeaseChange> complete(String key, String leaseId, @Nullable Map<String, ?> result,
			@Nullable String resultHash) {
		return this.observer.observeMono("complete", () -> target().complete(key, leaseId, result, resultHash),
				ClientObserver.success());
	}

	@Override
	public Mono<LeaseChange> fail(String key, String leaseId, String errorCode, @Nullable String errorHash) {
		return this.observer.observeMono("fail", () -> target().fail(key, leaseId, errorCode, errorHash),
				ClientObserver.success());
	}

	@Override
	public Mono<LeaseChange> cancel(String key, String leaseId, @Nullable String reason) {
		return this.observer.observeMono("cancel", () -> target().cancel(key, leaseId, reason),
				ClientObserver.success());
	}

	@Override
	public Mono<AiResult> waitFor(String key, WaitOptions options) {
		return this.observer.observeMono("wait", () -> target().waitFor(key, options), Outcomes::of);
	}

	@Override
	public Mono<AiResult> runAndWait(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String runId, WaitOptions options) {
		return this.observer.observeMono("run_and_wait", () -> target().runAndWait(key, ttl, metadata, runId, options),
				Outcomes::of);
	}

	@Override
	public Mono<AiResult> runFn(String key, Supplier<? extends Mono<?>> fn, RunFnOptions options) {
		// one flag per subscription: a re-subscribed Mono is a new call that may
		// replay
		return Mono.defer(() -> {
			ClientObserver.RanFlag flag = new ClientObserver.RanFlag();
			Supplier<? extends Mono<?>> wrapped = flag.wrap(fn);
			return this.observer.observeMono("run_fn", () -> target().runFn(key, wrapped, options), flag::outcome,
					flag::errorOutcome, null);
		});
	}

}
