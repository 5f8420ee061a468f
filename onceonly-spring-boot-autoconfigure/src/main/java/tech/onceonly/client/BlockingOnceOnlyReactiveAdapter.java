package tech.onceonly.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The {@code Mono} form of a blocking client: each call runs on a scheduler meant for
 * blocking work ({@link Schedulers#boundedElastic()} by default) when subscribed. The
 * default scheduler is looked up at the first call, not when the adapter is made, so an
 * application that never uses the reactive form starts none of its threads (and a failed
 * startup leaves none behind).
 */
public final class BlockingOnceOnlyReactiveAdapter implements ReactiveOnceOnly {

	private final OnceOnly delegate;

	private final @Nullable Scheduler scheduler;

	private final Ai ai = new Ai();

	private final Gov gov = new Gov();

	public BlockingOnceOnlyReactiveAdapter(OnceOnly delegate) {
		this.delegate = delegate;
		this.scheduler = null;
	}

	public BlockingOnceOnlyReactiveAdapter(OnceOnly delegate, Scheduler scheduler) {
		this.delegate = delegate;
		this.scheduler = scheduler;
	}

	private Scheduler scheduler() {
		return (this.scheduler != null) ? this.scheduler : Schedulers.boundedElastic();
	}

	private <T> Mono<T> defer(Callable<T> call) {
		return Mono.defer(() -> Mono.fromCallable(call).subscribeOn(scheduler()));
	}

	@Override
	public Mono<CheckLockResult> checkLock(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String requestId) {
		return defer(() -> this.delegate.checkLock(key, ttl, metadata, requestId));
	}

	@Override
	public ReactiveOnceOnlyAi ai() {
		return this.ai;
	}

	@Override
	public ReactiveOnceOnlyGov gov() {
		return this.gov;
	}

	@Override
	public Mono<Map<String, Object>> me() {
		return defer(this.delegate::me);
	}

	@Override
	public Mono<Map<String, Object>> updateNotifications(NotificationPreferences preferences) {
		return defer(() -> this.delegate.updateNotifications(preferences));
	}

	@Override
	public Mono<Map<String, Object>> usage(String kind) {
		return defer(() -> this.delegate.usage(kind));
	}

	@Override
	public Mono<Map<String, Object>> usageAll() {
		return defer(this.delegate::usageAll);
	}

	@Override
	public Mono<Map<String, Object>> events(int limit, int offset) {
		return defer(() -> this.delegate.events(limit, offset));
	}

	@Override
	public Mono<Map<String, Object>> postEvent(RunEvent event) {
		return defer(() -> this.delegate.postEvent(event));
	}

	@Override
	public Mono<Map<String, Object>> metrics(String fromDay, String toDay) {
		return defer(() -> this.delegate.metrics(fromDay, toDay));
	}

	@Override
	public Mono<Map<String, Object>> getRunTimeline(String runId, int limit, int offset) {
		return defer(() -> this.delegate.getRunTimeline(runId, limit, offset));
	}

	private final class Ai implements ReactiveOnceOnlyAi {

		private OnceOnlyAi ai() {
			return BlockingOnceOnlyReactiveAdapter.this.delegate.ai();
		}

		@Override
		public Mono<AiRunOutcome> run(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
				@Nullable String runId) {
			return defer(() -> ai().run(key, ttl, metadata, runId));
		}

		@Override
		public Mono<AiToolResult> runTool(ToolCallRequest call) {
			return defer(() -> ai().runTool(call));
		}

		@Override
		public Mono<AiStatus> status(String key) {
			return defer(() -> ai().status(key));
		}

		@Override
		public Mono<AiResult> result(String key) {
			return defer(() -> ai().result(key));
		}

		@Override
		public Mono<AiRun> lease(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata) {
			return defer(() -> ai().lease(key, ttl, metadata));
		}

		@Override
		public Mono<LeaseChange> extend(String key, String leaseId, @Nullable Duration ttl) {
			return defer(() -> ai().extend(key, leaseId, ttl));
		}

		@Override
		public Mono<LeaseChange> complete(String key, String leaseId, @Nullable Map<String, ?> result,
				@Nullable String resultHash) {
			return defer(() -> ai().complete(key, leaseId, result, resultHash));
		}

		@Override
		public Mono<LeaseChange> fail(String key, String leaseId, String errorCode, @Nullable String errorHash) {
			return defer(() -> ai().fail(key, leaseId, errorCode, errorHash));
		}

		@Override
		public Mono<LeaseChange> cancel(String key, String leaseId, @Nullable String reason) {
			return defer(() -> ai().cancel(key, leaseId, reason));
		}

		@Override
		public Mono<AiResult> waitFor(String key, WaitOptions options) {
			return defer(() -> ai().waitFor(key, options));
		}

		@Override
		public Mono<AiResult> runAndWait(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
				@Nullable String runId, WaitOptions options) {
			return defer(() -> ai().runAndWait(key, ttl, metadata, runId, options));
		}

		@Override
		public Mono<AiResult> runFn(String key, Supplier<? extends Mono<?>> fn, RunFnOptions options) {
			return RunFnFlow.detached(scheduler(), fn, (work) -> ai().runFn(key, work, options));
		}

	}

	private final class Gov implements ReactiveOnceOnlyGov {

		private OnceOnlyGov gov() {
			return BlockingOnceOnlyReactiveAdapter.this.delegate.gov();
		}

		@Override
		public Mono<Policy> upsertPolicy(String agentId, Map<String, ?> policy) {
			return defer(() -> gov().upsertPolicy(agentId, policy));
		}

		@Override
		public Mono<Policy> policyFromTemplate(String agentId, String template, @Nullable Map<String, ?> overrides) {
			return defer(() -> gov().policyFromTemplate(agentId, template, overrides));
		}

		@Override
		public Mono<List<Policy>> listPolicies() {
			return defer(() -> gov().listPolicies());
		}

		@Override
		public Mono<Policy> getPolicy(String agentId) {
			return defer(() -> gov().getPolicy(agentId));
		}

		@Override
		public Mono<AgentStatus> disableAgent(String agentId, @Nullable String reason) {
			return defer(() -> gov().disableAgent(agentId, reason));
		}

		@Override
		public Mono<AgentStatus> enableAgent(String agentId, @Nullable String reason) {
			return defer(() -> gov().enableAgent(agentId, reason));
		}

		@Override
		public Mono<List<AgentLogItem>> agentLogs(String agentId, int limit) {
			return defer(() -> gov().agentLogs(agentId, limit));
		}

		@Override
		public Mono<AgentMetrics> agentMetrics(String agentId, String period) {
			return defer(() -> gov().agentMetrics(agentId, period));
		}

		@Override
		public Mono<Map<String, Object>> createTool(Map<String, ?> tool) {
			return defer(() -> gov().createTool(tool));
		}

		@Override
		public Mono<List<Map<String, Object>>> listTools(String scopeId) {
			return defer(() -> gov().listTools(scopeId));
		}

		@Override
		public Mono<Map<String, Object>> getTool(String name, String scopeId) {
			return defer(() -> gov().getTool(name, scopeId));
		}

		@Override
		public Mono<Map<String, Object>> toggleTool(String name, boolean enabled, String scopeId) {
			return defer(() -> gov().toggleTool(name, enabled, scopeId));
		}

		@Override
		public Mono<Map<String, Object>> deleteTool(String name, String scopeId) {
			return defer(() -> gov().deleteTool(name, scopeId));
		}

	}

}
