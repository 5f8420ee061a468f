package tech.onceonly.spring.observation;

import java.time.Duration;
import java.util.Map;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.DelegatingOnceOnly;
import tech.onceonly.client.NotificationPreferences;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OnceOnlyAi;
import tech.onceonly.client.OnceOnlyBackend;
import tech.onceonly.client.OnceOnlyGov;
import tech.onceonly.client.ReactiveOnceOnly;
import tech.onceonly.client.RunEvent;

/**
 * A client that records every operation of another client as an {@code onceonly.client}
 * observation (blocking and {@code Mono} forms alike), and counts fail-open check-locks
 * and governance decisions. Answers, exceptions and timing of the decorated client are
 * passed through unchanged: a failing observation handler or meter registry is logged at
 * debug level and never reaches the caller. Closing it closes the decorated client, so a
 * decorated bean is still shut down with its context.
 * <p>
 * The blocking calls a OnceOnly web request makes while its own observation is current
 * (the lease and completion of an Idempotency-Key request) are left to that observation,
 * unless {@code webClientCalls} asks for them to be observed too.
 * <p>
 * Each face has its own class ({@link ObservedAi}, {@link ObservedGov},
 * {@link ObservedReactiveOnceOnly} with {@link ObservedReactiveAi} and
 * {@link ObservedReactiveGov}); the observation plumbing is {@link ClientObserver}.
 */
public final class ObservedOnceOnly implements DelegatingOnceOnly, AutoCloseable {

	private final OnceOnly delegate;

	private final @Nullable OnceOnlyMeters meters;

	private final ClientObserver observer;

	private final ObservedAi ai;

	private final ObservedGov gov;

	private final ObservedReactiveOnceOnly reactive;

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
		this(delegate, registry, convention, meters, false);
	}

	/**
	 * Observes {@code delegate}.
	 * @param delegate the client to observe
	 * @param registry the observation registry
	 * @param convention a custom convention, or {@code null} for
	 * {@link DefaultOnceOnlyClientObservationConvention}
	 * @param meters the counters, or {@code null} for none
	 * @param webClientCalls whether the calls a OnceOnly web request makes while its own
	 * observation ({@code onceonly.idempotency.key}, {@code onceonly.webhook}) is current
	 * are observed too, nested in it; when {@code false} they are left to the request's
	 * observation
	 */
	public ObservedOnceOnly(OnceOnly delegate, ObservationRegistry registry,
			@Nullable OnceOnlyClientObservationConvention convention, @Nullable OnceOnlyMeters meters,
			boolean webClientCalls) {
		this.delegate = delegate;
		this.meters = meters;
		String backend = OnceOnlyBackend.of(delegate).kind().tag();
		this.observer = new ClientObserver(registry, convention, meters, backend, webClientCalls);
		this.ai = new ObservedAi(this.observer, delegate::ai);
		this.gov = new ObservedGov(this.observer, delegate::gov);
		this.reactive = new ObservedReactiveOnceOnly(this.observer, delegate::reactive);
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

	// ---- observation plumbing

	@Override
	public CheckLockResult checkLock(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String requestId) {
		return this.observer.observe("check_lock", () -> this.delegate.checkLock(key, ttl, metadata, requestId),
				Outcomes::of, (ex) -> Outcomes.ERROR, (meters, result) -> meters.checkLock("check_lock", result));
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
		return this.observer.observe("me", this.delegate::me, ClientObserver.success());
	}

	@Override
	public Map<String, Object> updateNotifications(NotificationPreferences preferences) {
		return this.observer.observe("notifications", () -> this.delegate.updateNotifications(preferences),
				ClientObserver.success());
	}

	@Override
	public Map<String, Object> usage(String kind) {
		return this.observer.observe("usage", () -> this.delegate.usage(kind), ClientObserver.success());
	}

	@Override
	public Map<String, Object> usageAll() {
		return this.observer.observe("usage", this.delegate::usageAll, ClientObserver.success());
	}

	@Override
	public Map<String, Object> events(int limit, int offset) {
		return this.observer.observe("events", () -> this.delegate.events(limit, offset), ClientObserver.success());
	}

	@Override
	public Map<String, Object> postEvent(RunEvent event) {
		return this.observer.observe("events", () -> this.delegate.postEvent(event), ClientObserver.success());
	}

	@Override
	public Map<String, Object> metrics(String fromDay, String toDay) {
		return this.observer.observe("metrics", () -> this.delegate.metrics(fromDay, toDay), ClientObserver.success());
	}

	@Override
	public Map<String, Object> getRunTimeline(String runId, int limit, int offset) {
		return this.observer.observe("runs", () -> this.delegate.getRunTimeline(runId, limit, offset),
				ClientObserver.success());
	}

	@Override
	public ReactiveOnceOnly reactive() {
		return this.reactive;
	}

	@Override
	public String toString() {
		return "ObservedOnceOnly[" + this.delegate + "]";
	}

}
