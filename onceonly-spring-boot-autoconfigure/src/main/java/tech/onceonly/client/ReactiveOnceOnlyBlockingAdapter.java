package tech.onceonly.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The blocking form of a {@code Mono} client: each call subscribes and waits for the
 * answer. The reactive client's own timeouts bound every wait. Do not call it from a
 * non-blocking (event-loop) thread.
 * <p>
 * {@link OnceOnlyAi#runFn} runs the function on the calling thread (so its transaction,
 * security context and MDC apply) in the one {@link RunFnFlow}; only the heartbeat runs
 * in the background.
 */
public final class ReactiveOnceOnlyBlockingAdapter implements OnceOnly {

	private final ReactiveOnceOnly delegate;

	private final RunFnFlow runFn;

	private final Ai ai = new Ai();

	private final Gov gov = new Gov();

	public ReactiveOnceOnlyBlockingAdapter(ReactiveOnceOnly delegate) {
		this(delegate, JsonMapper.builder().build());
	}

	/**
	 * The blocking form of {@code delegate}.
	 * @param delegate the reactive client
	 * @param json the mapper that turns {@code runFn} return values into result objects
	 */
	public ReactiveOnceOnlyBlockingAdapter(ReactiveOnceOnly delegate, JsonMapper json) {
		this(delegate, json, Heartbeats.shared(), LeaseEvents.LOGGING);
	}

	/**
	 * The blocking form of {@code delegate}.
	 * @param delegate the reactive client
	 * @param json the mapper that turns {@code runFn} return values into result objects
	 * @param heartbeats the heartbeats that keep {@code runFn} leases
	 * @param events where lost leases and unknown outcomes are reported
	 */
	public ReactiveOnceOnlyBlockingAdapter(ReactiveOnceOnly delegate, JsonMapper json, Heartbeats heartbeats,
			LeaseEvents events) {
		this.delegate = delegate;
		this.runFn = RunFnFlow.overReactive(delegate::ai, json, heartbeats, events);
	}

	/** Waits for {@code mono}; an empty answer is an error. */
	static <T> T await(Mono<T> mono) {
		T value = mono.block();
		if (value == null) {
			throw new ApiException("API Error (empty answer)", null, Map.of());
		}
		return value;
	}

	@Override
	public CheckLockResult checkLock(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String requestId) {
		return await(this.delegate.checkLock(key, ttl, metadata, requestId));
	}

	@Override
	public OnceOnlyAi ai() {
		return this.ai;
	}

	@Override
	public OnceOnlyGov gov() {
		return this.gov;
	}

	@Override
	public Map<String, Object> me() {
		return await(this.delegate.me());
	}

	@Override
	public Map<String, Object> updateNotifications(NotificationPreferences preferences) {
		return await(this.delegate.updateNotifications(preferences));
	}

	@Override
	public Map<String, Object> usage(String kind) {
		return await(this.delegate.usage(kind));
	}

	@Override
	public Map<String, Object> usageAll() {
		return await(this.delegate.usageAll());
	}

	@Override
	public Map<String, Object> events(int limit, int offset) {
		return await(this.delegate.events(limit, offset));
	}

	@Override
	public Map<String, Object> postEvent(RunEvent event) {
		return await(this.delegate.postEvent(event));
	}

	@Override
	public Map<String, Object> metrics(String fromDay, String toDay) {
		return await(this.delegate.metrics(fromDay, toDay));
	}

	@Override
	public Map<String, Object> getRunTimeline(String runId, int limit, int offset) {
		return await(this.delegate.getRunTimeline(runId, limit, offset));
	}

	@Override
	public ReactiveOnceOnly reactive() {
		return this.delegate;
	}

	private final class Ai implements OnceOnlyAi {

		private ReactiveOnceOnlyAi ai() {
			return ReactiveOnceOnlyBlockingAdapter.this.delegate.ai();
		}

		@Override
		public AiRunOutcome run(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
				@Nullable String runId) {
			return await(ai().run(key, ttl, metadata, runId));
		}

		@Override
		public AiToolResult runTool(ToolCallRequest call) {
			return await(ai().runTool(call));
		}

		@Override
		public AiStatus status(String key) {
			return await(ai().status(key));
		}

		@Override
		public AiResult result(String key) {
			return await(ai().result(key));
		}

		@Override
		public AiRun lease(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata) {
			return await(ai().lease(key, ttl, metadata));
		}

		@Override
		public LeaseChange extend(String key, String leaseId, @Nullable Duration ttl) {
			return await(ai().extend(key, leaseId, ttl));
		}

		@Override
		public LeaseChange complete(String key, String leaseId, @Nullable Map<String, ?> result,
				@Nullable String resultHash) {
			return await(ai().complete(key, leaseId, result, resultHash));
		}

		@Override
		public LeaseChange fail(String key, String leaseId, String errorCode, @Nullable String errorHash) {
			return await(ai().fail(key, leaseId, errorCode, errorHash));
		}

		@Override
		public LeaseChange cancel(String key, String leaseId, @Nullable String reason) {
			return await(ai().cancel(key, leaseId, reason));
		}

		@Override
		public AiResult waitFor(String key, WaitOptions options) {
			return await(ai().waitFor(key, options));
		}

		@Override
		public AiResult runAndWait(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
				@Nullable String runId, WaitOptions options) {
			return await(ai().runAndWait(key, ttl, metadata, runId, options));
		}

		@Override
		public AiResult runFn(String key, Supplier<?> fn, RunFnOptions options) {
			return ReactiveOnceOnlyBlockingAdapter.this.runFn.run(key, fn, options);
		}

	}

	private final class Gov implements OnceOnlyGov {

		private ReactiveOnceOnlyGov gov() {
			return ReactiveOnceOnlyBlockingAdapter.this.delegate.gov();
		}

		@Override
		public Policy upsertPolicy(String agentId, Map<String, ?> policy) {
			return await(gov().upsertPolicy(agentId, policy));
		}

		@Override
		public Policy policyFromTemplate(String agentId, String template, @Nullable Map<String, ?> overrides) {
			return await(gov().policyFromTemplate(agentId, template, overrides));
		}

		@Override
		public List<Policy> listPolicies() {
			return await(gov().listPolicies());
		}

		@Override
		public Policy getPolicy(String agentId) {
			return await(gov().getPolicy(agentId));
		}

		@Override
		public AgentStatus disableAgent(String agentId, @Nullable String reason) {
			return await(gov().disableAgent(agentId, reason));
		}

		@Override
		public AgentStatus enableAgent(String agentId, @Nullable String reason) {
			return await(gov().enableAgent(agentId, reason));
		}

		@Override
		public List<AgentLogItem> agentLogs(String agentId, int limit) {
			return await(gov().agentLogs(agentId, limit));
		}

		@Override
		public AgentMetrics agentMetrics(String agentId, String period) {
			return await(gov().agentMetrics(agentId, period));
		}

		@Override
		public Map<String, Object> createTool(Map<String, ?> tool) {
			return await(gov().createTool(tool));
		}

		@Override
		public List<Map<String, Object>> listTools(String scopeId) {
			return await(gov().listTools(scopeId));
		}

		@Override
		public Map<String, Object> getTool(String name, String scopeId) {
			return await(gov().getTool(name, scopeId));
		}

		@Override
		public Map<String, Object> toggleTool(String name, boolean enabled, String scopeId) {
			return await(gov().toggleTool(name, enabled, scopeId));
		}

		@Override
		public Map<String, Object> deleteTool(String name, String scopeId) {
			return await(gov().deleteTool(name, scopeId));
		}

	}

}
