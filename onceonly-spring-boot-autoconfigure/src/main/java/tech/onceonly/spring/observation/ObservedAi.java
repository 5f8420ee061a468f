package tech.onceonly.spring.observation;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.AiRun;
import tech.onceonly.client.AiRunOutcome;
import tech.onceonly.client.AiStatus;
import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.LeaseChange;
import tech.onceonly.client.OnceOnlyAi;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.client.WaitOptions;

/** The observed blocking leases API of an {@link ObservedOnceOnly}. */
final class ObservedAi implements OnceOnlyAi {

	private final ClientObserver observer;

	private final Supplier<OnceOnlyAi> target;

	ObservedAi(ClientObserver observer, Supplier<OnceOnlyAi> target) {
		this.observer = observer;
		this.target = target;
	}

	private OnceOnlyAi target() {
		return this.target.get();
	}

	@Override
	public AiRunOutcome run(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String runId) {
		return this.observer.observe("run", () -> target().run(key, ttl, metadata, runId), Outcomes::of);
	}

	@Override
	public AiToolResult runTool(ToolCallRequest call) {
		return this.observer.observe("run_tool", () -> target().runTool(call), Outcomes::of, (ex) -> Outcomes.ERROR,
				(meters, result) -> meters.decision(call.agentId(), result));
	}

	@Override
	public AiStatus status(String key) {
		return this.observer.observe("status", () -> target().status(key), ClientObserver.success());
	}

	@Override
	public AiResult result(String key) {
		return this.observer.observe("result", () -> target().result(key), Outcomes::of);
	}

	@Override
	public AiRun lease(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata) {
		return this.observer.observe("lease", () -> target().lease(key, ttl, metadata), Outcomes::of);
	}

	@Override
	public LeaseChange extend(String key, String leaseId, @Nullable Duration ttl) {
		return this.observer.observe("extend", () -> target().extend(key, leaseId, ttl), ClientObserver.success());
	}

	@Override
	public LeaseChange complete(String key, String leaseId, @Nullable Map<String, ?> result,
			@Nullable String resultHash) {
		return this.observer.observe("complete", () -> target().complete(key, leaseId, result, resultHash),
				ClientObserver.success());
	}

	@Override
	public LeaseChange fail(String key, String leaseId, String errorCode, @Nullable String errorHash) {
		return this.observer.observe("fail", () -> target().fail(key, leaseId, errorCode, errorHash),
				ClientObserver.success());
	}

	@Override
	public LeaseChange cancel(String key, String leaseId, @Nullable String reason) {
		return this.observer.observe("cancel", () -> target().cancel(key, leaseId, reason), ClientObserver.success());
	}

	@Override
	public AiResult waitFor(String key, WaitOptions options) {
		return this.observer.observe("wait", () -> target().waitFor(key, options), Outcomes::of);
	}

	@Override
	public AiResult runAndWait(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String runId, WaitOptions options) {
		return this.observer.observe("run_and_wait", () -> target().runAndWait(key, ttl, metadata, runId, options),
				Outcomes::of);
	}

	@Override
	public AiResult runFn(String key, Supplier<?> fn, RunFnOptions options) {
		ClientObserver.RanFlag flag = new ClientObserver.RanFlag();
		Supplier<?> wrapped = flag.wrap(fn);
		return this.observer.observe("run_fn", () -> target().runFn(key, wrapped, options), flag::outcome,
				flag::errorOutcome, null);
	}

}
