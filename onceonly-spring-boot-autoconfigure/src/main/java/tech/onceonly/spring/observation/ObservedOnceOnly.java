package tech.onceonly.spring.observation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import tech.onceonly.client.DelegatingOnceOnly;
import tech.onceonly.client.AgentLogItem;
import tech.onceonly.client.AgentMetrics;
import tech.onceonly.client.AgentStatus;
import tech.onceonly.client.AiResult;
import tech.onceonly.client.AiRun;
import tech.onceonly.client.AiRunOutcome;
import tech.onceonly.client.AiStatus;
import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.NotificationPreferences;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OnceOnlyAi;
import tech.onceonly.client.OnceOnlyBackend;
import tech.onceonly.client.OnceOnlyGov;
import tech.onceonly.client.Policy;
import tech.onceonly.client.ReactiveOnceOnly;
import tech.onceonly.client.ReactiveOnceOnlyAi;
import tech.onceonly.client.ReactiveOnceOnlyGov;
import tech.onceonly.client.RunEvent;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.client.WaitOptions;

/**
 * A client that records every operation of another client as an {@code onceonly.client}
 * observation (blocking and {@code Mono} forms alike), and counts fail-open check-locks
 * and governance decisions. Answers, exceptions and timing of the decorated client are
 * passed through unchanged: a failing observation handler or meter registry is logged at
 * debug level and never reaches the caller. Closing it closes the decorated client, so a
 * decorated bean is still shut down with its context.
 */
public final class ObservedOnceOnly implements DelegatingOnceOnly, AutoCloseable {

	private static final Log logger = LogFactory.getLog(ObservedOnceOnly.class);

	/** The Reactor context key under which Micrometer keeps the current observation. */
	private static final String OBSERVATION_CONTEXT_KEY = "micrometer.observation";

	private final OnceOnly delegate;

	private final ObservationRegistry registry;

	private final @Nullable OnceOnlyClientObservationConvention convention;

	private final @Nullable OnceOnlyMeters meters;

	private final String backend;

	private final Ai ai = new Ai();

	private final Gov gov = new Gov();

	private final Reactive reactive = new Reactive();

	/**
	 * Observes {@code delegate} with the default convention and no counters.
	 * @param delegate the client to observe
	 * @param registry the observation registry
	 */
	public ObservedOnceOnly(OnceOnly delegate, ObservationRegistry registry) {
		this(delegate, registry, null, null);
	}

	/**
	 * Observes {@code delegate}.
	 * @param delegate the client to observe
	 * @param registry the observation registry
	 * @param convention a custom convention, or {@code null} for
	 * {@link DefaultOnceOnlyClientObservationConvention}
	 * @param meters the counters, or {@code null} for none
	 */
	public ObservedOnceOnly(OnceOnly delegate, ObservationRegistry registry,
			@Nullable OnceOnlyClientObservationConvention convention, @Nullable OnceOnlyMeters meters) {
		this.delegate = delegate;
		this.registry = registry;
		this.convention = convention;
		this.meters = meters;
		this.backend = OnceOnlyBackend.of(delegate).kind().tag();
	}

	/**
	 * The decorated client's backend; with counters, its governed in-process tool calls
	 * are counted as governance decisions.
	 */
	@Override
	public OnceOnlyBackend backend() {
		OnceOnlyBackend backend = OnceOnlyBackend.of(this.delegate);
		OnceOnlyMeters counters = this.meters;
		return (counters != null) ? backend.localOperations()
			.map((operations) -> backend.withLocalOperations(new ObservedLocalOperations(operations, counters)))
			.orElse(backend) : backend;
	}

	@Override
	public OnceOnly delegate() {
		return this.delegate;
	}

	/** Closes the decorated client when it is {@link AutoCloseable}. */
	@Override
	public void close() throws Exception {
		if (this.delegate instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

	// ---- observation plumbing

	private Probe start(String operation, @Nullable Observation parent, boolean scoped) {
		OnceOnlyClientContext context = new OnceOnlyClientContext(operation, this.backend);
		try {
			Observation observation = OnceOnlyObservationDocumentation.CLIENT.observation(this.convention,
					DefaultOnceOnlyClientObservationConvention.INSTANCE, () -> context, this.registry);
			if (parent != null) {
				observation.parentObservation(parent);
			}
			observation.start();
			Observation.Scope scope = null;
			if (scoped) {
				try {
					scope = observation.openScope();
				}
				catch (RuntimeException ex) {
					logger.debug("Could not open the scope of an OnceOnly observation", ex);
				}
			}
			return new Probe(context, observation, scope);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not start an OnceOnly observation", ex);
			return new Probe(context, null, null);
		}
	}

	private <T> T observe(String operation, Supplier<T> call, Function<? super T, String> outcome) {
		return observe(operation, call, outcome, (ex) -> Outcomes.ERROR, null);
	}

	private <T> T observe(String operation, Supplier<T> call, Function<? super T, String> outcome,
			Function<Throwable, String> errorOutcome, @Nullable BiConsumer<OnceOnlyMeters, ? super T> count) {
		Probe probe = start(operation, null, true);
		T result;
		try {
			result = call.get();
		}
		catch (Throwable ex) {
			probe.stopWithError(errorOutcome, ex);
			throw rethrow(ex);
		}
		probe.stopWithResult(result, outcome, count);
		return result;
	}

	private <T> Mono<T> observeMono(String operation, Supplier<Mono<T>> call, Function<? super T, String> outcome) {
		return observeMono(operation, call, outcome, (ex) -> Outcomes.ERROR, null);
	}

	private <T> Mono<T> observeMono(String operation, Supplier<Mono<T>> call, Function<? super T, String> outcome,
			Function<Throwable, String> errorOutcome, @Nullable BiConsumer<OnceOnlyMeters, ? super T> count) {
		Mono<T> source = call.get();
		return Mono.deferContextual((view) -> {
			Object parent = view.getOrDefault(OBSERVATION_CONTEXT_KEY, null);
			Probe probe = start(operation, (parent instanceof Observation observation) ? observation : null, false);
			Mono<T> observed = source.doOnSuccess((value) -> probe.stopWithResult(value, outcome, count))
				.doOnError((ex) -> probe.stopWithError(errorOutcome, ex))
				.doOnCancel(probe::stopCancelled);
			Observation observation = probe.observation;
			return (observation != null)
					? observed.contextWrite((context) -> context.put(OBSERVATION_CONTEXT_KEY, observation)) : observed;
		});
	}

	/**
	 * Rethrows {@code ex} as it is, checked exceptions thrown sneakily by a function
	 * included.
	 */
	@SuppressWarnings("unchecked")
	private static <E extends Throwable> RuntimeException rethrow(Throwable ex) throws E {
		throw (E) ex;
	}

	private static <T> Function<T, String> success() {
		return (value) -> Outcomes.SUCCESS;
	}

	/**
	 * One started observation (or none, when starting it failed), stopped at most once.
	 */
	private final class Probe {

		private final OnceOnlyClientContext context;

		private final @Nullable Observation observation;

		private final Observation.@Nullable Scope scope;

		private final AtomicBoolean stopped = new AtomicBoolean();

		Probe(OnceOnlyClientContext context, @Nullable Observation observation, Observation.@Nullable Scope scope) {
			this.context = context;
			this.observation = observation;
			this.scope = scope;
		}

		<T> void stopWithResult(@Nullable T result, Function<? super T, String> outcome,
				@Nullable BiConsumer<OnceOnlyMeters, ? super T> count) {
			String value = Outcomes.SUCCESS;
			if (result != null) {
				try {
					value = outcome.apply(result);
				}
				catch (RuntimeException ex) {
					logger.debug("Could not classify an OnceOnly answer", ex);
				}
				OnceOnlyMeters counters = ObservedOnceOnly.this.meters;
				if (count != null && counters != null) {
					try {
						count.accept(counters, result);
					}
					catch (RuntimeException ex) {
						logger.debug("Could not count an OnceOnly answer", ex);
					}
				}
			}
			stop(value, null);
		}

		void stopWithError(Function<Throwable, String> errorOutcome, Throwable error) {
			String value = Outcomes.ERROR;
			try {
				value = errorOutcome.apply(error);
			}
			catch (RuntimeException ex) {
				logger.debug("Could not classify an OnceOnly error", ex);
			}
			stop(value, error);
		}

		void stopCancelled() {
			stop(Outcomes.CANCELLED, null);
		}

		private void stop(String outcome, @Nullable Throwable error) {
			if (!this.stopped.compareAndSet(false, true)) {
				return;
			}
			if (this.scope != null) {
				try {
					this.scope.close();
				}
				catch (RuntimeException ex) {
					logger.debug("Could not close the scope of an OnceOnly observation", ex);
				}
			}
			if (this.observation == null) {
				return;
			}
			try {
				this.context.setOutcome(outcome);
				if (error != null) {
					this.observation.error(error);
				}
			}
			catch (RuntimeException ex) {
				logger.debug("Could not record the error of an OnceOnly observation", ex);
			}
			try {
				this.observation.stop();
			}
			catch (RuntimeException ex) {
				logger.debug("Could not stop an OnceOnly observation", ex);
			}
		}

	}

	/** A {@code runFn} function wrapper that remembers whether this caller ran it. */
	private static final class RanFlag {

		private final AtomicBoolean ran = new AtomicBoolean();

		<T> Supplier<T> wrap(Supplier<T> fn) {
			return () -> {
				this.ran.set(true);
				return fn.get();
			};
		}

		boolean ran() {
			return this.ran.get();
		}

		String outcome(AiResult result) {
			return Outcomes.ofRunFn(result, ran());
		}

		String errorOutcome(Throwable error) {
			return ran() ? Outcomes.FAILED : Outcomes.ERROR;
		}

	}

	// ---- OnceOnly

	@Override
	public CheckLockResult checkLock(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String requestId) {
		return observe("check_lock", () -> this.delegate.checkLock(key, ttl, metadata, requestId), Outcomes::of,
				(ex) -> Outcomes.ERROR, (meters, result) -> meters.checkLock("check_lock", result));
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
		return observe("me", this.delegate::me, success());
	}

	@Override
	public Map<String, Object> updateNotifications(NotificationPreferences preferences) {
		return observe("notifications", () -> this.delegate.updateNotifications(preferences), success());
	}

	@Override
	public Map<String, Object> usage(String kind) {
		return observe("usage", () -> this.delegate.usage(kind), success());
	}

	@Override
	public Map<String, Object> usageAll() {
		return observe("usage", this.delegate::usageAll, success());
	}

	@Override
	public Map<String, Object> events(int limit, int offset) {
		return observe("events", () -> this.delegate.events(limit, offset), success());
	}

	@Override
	public Map<String, Object> postEvent(RunEvent event) {
		return observe("events", () -> this.delegate.postEvent(event), success());
	}

	@Override
	public Map<String, Object> metrics(String fromDay, String toDay) {
		return observe("metrics", () -> this.delegate.metrics(fromDay, toDay), success());
	}

	@Override
	public Map<String, Object> getRunTimeline(String runId, int limit, int offset) {
		return observe("runs", () -> this.delegate.getRunTimeline(runId, limit, offset), success());
	}

	@Override
	public ReactiveOnceOnly reactive() {
		return this.reactive;
	}

	@Override
	public String toString() {
		return "ObservedOnceOnly[" + this.delegate + "]";
	}

	private final class Ai implements OnceOnlyAi {

		private OnceOnlyAi target() {
			return ObservedOnceOnly.this.delegate.ai();
		}

		@Override
		public AiRunOutcome run(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
				@Nullable String runId) {
			return observe("run", () -> target().run(key, ttl, metadata, runId), Outcomes::of);
		}

		@Override
		public AiToolResult runTool(ToolCallRequest call) {
			return observe("run_tool", () -> target().runTool(call), Outcomes::of, (ex) -> Outcomes.ERROR,
					(meters, result) -> meters.decision(call.agentId(), result));
		}

		@Override
		public AiStatus status(String key) {
			return observe("status", () -> target().status(key), success());
		}

		@Override
		public AiResult result(String key) {
			return observe("result", () -> target().result(key), Outcomes::of);
		}

		@Override
		public AiRun lease(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata) {
			return observe("lease", () -> target().lease(key, ttl, metadata), Outcomes::of);
		}

		@Override
		public Map<String, Object> extend(String key, String leaseId, @Nullable Duration ttl) {
			return observe("extend", () -> target().extend(key, leaseId, ttl), success());
		}

		@Override
		public Map<String, Object> complete(String key, String leaseId, @Nullable Map<String, ?> result,
				@Nullable String resultHash) {
			return observe("complete", () -> target().complete(key, leaseId, result, resultHash), success());
		}

		@Override
		public Map<String, Object> fail(String key, String leaseId, String errorCode, @Nullable String errorHash) {
			return observe("fail", () -> target().fail(key, leaseId, errorCode, errorHash), success());
		}

		@Override
		public Map<String, Object> cancel(String key, String leaseId, @Nullable String reason) {
			return observe("cancel", () -> target().cancel(key, leaseId, reason), success());
		}

		@Override
		public AiResult waitFor(String key, WaitOptions options) {
			return observe("wait", () -> target().waitFor(key, options), Outcomes::of);
		}

		@Override
		public AiResult runAndWait(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
				@Nullable String runId, WaitOptions options) {
			return observe("run_and_wait", () -> target().runAndWait(key, ttl, metadata, runId, options), Outcomes::of);
		}

		@Override
		public AiResult runFn(String key, Supplier<?> fn, RunFnOptions options) {
			RanFlag flag = new RanFlag();
			Supplier<?> wrapped = flag.wrap(fn);
			return observe("run_fn", () -> target().runFn(key, wrapped, options), flag::outcome, flag::errorOutcome,
					null);
		}

	}

	private final class Gov implements OnceOnlyGov {

		private OnceOnlyGov target() {
			return ObservedOnceOnly.this.delegate.gov();
		}

		@Override
		public Policy upsertPolicy(String agentId, Map<String, ?> policy) {
			return observe("policy", () -> target().upsertPolicy(agentId, policy), success());
		}

		@Override
		public Policy policyFromTemplate(String agentId, String template, @Nullable Map<String, ?> overrides) {
			return observe("policy", () -> target().policyFromTemplate(agentId, template, overrides), success());
		}

		@Override
		public List<Policy> listPolicies() {
			return observe("policy", () -> target().listPolicies(), success());
		}

		@Override
		public Policy getPolicy(String agentId) {
			return observe("policy", () -> target().getPolicy(agentId), success());
		}

		@Override
		public AgentStatus disableAgent(String agentId, @Nullable String reason) {
			return observe("agent", () -> target().disableAgent(agentId, reason), success());
		}

		@Override
		public AgentStatus enableAgent(String agentId, @Nullable String reason) {
			return observe("agent", () -> target().enableAgent(agentId, reason), success());
		}

		@Override
		public List<AgentLogItem> agentLogs(String agentId, int limit) {
			return observe("logs", () -> target().agentLogs(agentId, limit), success());
		}

		@Override
		public AgentMetrics agentMetrics(String agentId, String period) {
			return observe("agent_metrics", () -> target().agentMetrics(agentId, period), success());
		}

		@Override
		public Map<String, Object> createTool(Map<String, ?> tool) {
			return observe("tools", () -> target().createTool(tool), success());
		}

		@Override
		public List<Map<String, Object>> listTools(String scopeId) {
			return observe("tools", () -> target().listTools(scopeId), success());
		}

		@Override
		public Map<String, Object> getTool(String name, String scopeId) {
			return observe("tools", () -> target().getTool(name, scopeId), success());
		}

		@Override
		public Map<String, Object> toggleTool(String name, boolean enabled, String scopeId) {
			return observe("tools", () -> target().toggleTool(name, enabled, scopeId), success());
		}

		@Override
		public Map<String, Object> deleteTool(String name, String scopeId) {
			return observe("tools", () -> target().deleteTool(name, scopeId), success());
		}

	}

	private final class Reactive implements ReactiveOnceOnly {

		private final ReactiveAi ai = new ReactiveAi();

		private final ReactiveGov gov = new ReactiveGov();

		private ReactiveOnceOnly target() {
			return ObservedOnceOnly.this.delegate.reactive();
		}

		@Override
		public Mono<CheckLockResult> checkLock(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
				@Nullable String requestId) {
			return observeMono("check_lock", () -> target().checkLock(key, ttl, metadata, requestId), Outcomes::of,
					(ex) -> Outcomes.ERROR, (meters, result) -> meters.checkLock("check_lock", result));
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
			return observeMono("me", () -> target().me(), success());
		}

		@Override
		public Mono<Map<String, Object>> updateNotifications(NotificationPreferences preferences) {
			return observeMono("notifications", () -> target().updateNotifications(preferences), success());
		}

		@Override
		public Mono<Map<String, Object>> usage(String kind) {
			return observeMono("usage", () -> target().usage(kind), success());
		}

		@Override
		public Mono<Map<String, Object>> usageAll() {
			return observeMono("usage", () -> target().usageAll(), success());
		}

		@Override
		public Mono<Map<String, Object>> events(int limit, int offset) {
			return observeMono("events", () -> target().events(limit, offset), success());
		}

		@Override
		public Mono<Map<String, Object>> postEvent(RunEvent event) {
			return observeMono("events", () -> target().postEvent(event), success());
		}

		@Override
		public Mono<Map<String, Object>> metrics(String fromDay, String toDay) {
			return observeMono("metrics", () -> target().metrics(fromDay, toDay), success());
		}

		@Override
		public Mono<Map<String, Object>> getRunTimeline(String runId, int limit, int offset) {
			return observeMono("runs", () -> target().getRunTimeline(runId, limit, offset), success());
		}

	}

	private final class ReactiveAi implements ReactiveOnceOnlyAi {

		private ReactiveOnceOnlyAi target() {
			return ObservedOnceOnly.this.delegate.reactive().ai();
		}

		@Override
		public Mono<AiRunOutcome> run(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
				@Nullable String runId) {
			return observeMono("run", () -> target().run(key, ttl, metadata, runId), Outcomes::of);
		}

		@Override
		public Mono<AiToolResult> runTool(ToolCallRequest call) {
			return observeMono("run_tool", () -> target().runTool(call), Outcomes::of, (ex) -> Outcomes.ERROR,
					(meters, result) -> meters.decision(call.agentId(), result));
		}

		@Override
		public Mono<AiStatus> status(String key) {
			return observeMono("status", () -> target().status(key), success());
		}

		@Override
		public Mono<AiResult> result(String key) {
			return observeMono("result", () -> target().result(key), Outcomes::of);
		}

		@Override
		public Mono<AiRun> lease(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata) {
			return observeMono("lease", () -> target().lease(key, ttl, metadata), Outcomes::of);
		}

		@Override
		public Mono<Map<String, Object>> extend(String key, String leaseId, @Nullable Duration ttl) {
			return observeMono("extend", () -> target().extend(key, leaseId, ttl), success());
		}

		@Override
		public Mono<Map<String, Object>> complete(String key, String leaseId, @Nullable Map<String, ?> result,
				@Nullable String resultHash) {
			return observeMono("complete", () -> target().complete(key, leaseId, result, resultHash), success());
		}

		@Override
		public Mono<Map<String, Object>> fail(String key, String leaseId, String errorCode,
				@Nullable String errorHash) {
			return observeMono("fail", () -> target().fail(key, leaseId, errorCode, errorHash), success());
		}

		@Override
		public Mono<Map<String, Object>> cancel(String key, String leaseId, @Nullable String reason) {
			return observeMono("cancel", () -> target().cancel(key, leaseId, reason), success());
		}

		@Override
		public Mono<AiResult> waitFor(String key, WaitOptions options) {
			return observeMono("wait", () -> target().waitFor(key, options), Outcomes::of);
		}

		@Override
		public Mono<AiResult> runAndWait(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
				@Nullable String runId, WaitOptions options) {
			return observeMono("run_and_wait", () -> target().runAndWait(key, ttl, metadata, runId, options),
					Outcomes::of);
		}

		@Override
		public Mono<AiResult> runFn(String key, Supplier<? extends Mono<?>> fn, RunFnOptions options) {
			// one flag per subscription: a re-subscribed Mono is a new call that may
			// replay
			return Mono.defer(() -> {
				RanFlag flag = new RanFlag();
				Supplier<? extends Mono<?>> wrapped = flag.wrap(fn);
				return observeMono("run_fn", () -> target().runFn(key, wrapped, options), flag::outcome,
						flag::errorOutcome, null);
			});
		}

	}

	private final class ReactiveGov implements ReactiveOnceOnlyGov {

		private ReactiveOnceOnlyGov target() {
			return ObservedOnceOnly.this.delegate.reactive().gov();
		}

		@Override
		public Mono<Policy> upsertPolicy(String agentId, Map<String, ?> policy) {
			return observeMono("policy", () -> target().upsertPolicy(agentId, policy), success());
		}

		@Override
		public Mono<Policy> policyFromTemplate(String agentId, String template, @Nullable Map<String, ?> overrides) {
			return observeMono("policy", () -> target().policyFromTemplate(agentId, template, overrides), success());
		}

		@Override
		public Mono<List<Policy>> listPolicies() {
			return observeMono("policy", () -> target().listPolicies(), success());
		}

		@Override
		public Mono<Policy> getPolicy(String agentId) {
			return observeMono("policy", () -> target().getPolicy(agentId), success());
		}

		@Override
		public Mono<AgentStatus> disableAgent(String agentId, @Nullable String reason) {
			return observeMono("agent", () -> target().disableAgent(agentId, reason), success());
		}

		@Override
		public Mono<AgentStatus> enableAgent(String agentId, @Nullable String reason) {
			return observeMono("agent", () -> target().enableAgent(agentId, reason), success());
		}

		@Override
		public Mono<List<AgentLogItem>> agentLogs(String agentId, int limit) {
			return observeMono("logs", () -> target().agentLogs(agentId, limit), success());
		}

		@Override
		public Mono<AgentMetrics> agentMetrics(String agentId, String period) {
			return observeMono("agent_metrics", () -> target().agentMetrics(agentId, period), success());
		}

		@Override
		public Mono<Map<String, Object>> createTool(Map<String, ?> tool) {
			return observeMono("tools", () -> target().createTool(tool), success());
		}

		@Override
		public Mono<List<Map<String, Object>>> listTools(String scopeId) {
			return observeMono("tools", () -> target().listTools(scopeId), success());
		}

		@Override
		public Mono<Map<String, Object>> getTool(String name, String scopeId) {
			return observeMono("tools", () -> target().getTool(name, scopeId), success());
		}

		@Override
		public Mono<Map<String, Object>> toggleTool(String name, boolean enabled, String scopeId) {
			return observeMono("tools", () -> target().toggleTool(name, enabled, scopeId), success());
		}

		@Override
		public Mono<Map<String, Object>> deleteTool(String name, String scopeId) {
			return observeMono("tools", () -> target().deleteTool(name, scopeId), success());
		}

	}

}
