package tech.onceonly.spring.observation;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.NotificationPreferences;
import tech.onceonly.client.ReactiveOnceOnly;
import tech.onceonly.client.ReactiveOnceOnlyAi;
import tech.onceonly.client.ReactiveOnceOnlyGov;
import tech.onceonly.client.RunEvent;

/** The observed {@code Mono} face of an {@link ObservedOnceOnly}. */
final class ObservedReactiveOnceOnly implements ReactiveOnceOnly {

	private final ClientObserver observer;

	private final Supplier<ReactiveOnceOnly> target;

	private final ObservedReactiveAi ai;

	private final ObservedReactiveGov gov;

	ObservedReactiveOnceOnly(ClientObserver observer, Supplier<ReactiveOnceOnly> target) {
		this.observer = observer;
		this.target = target;
		this.ai = new ObservedReactiveAi(observer, () -> target.get().ai());
		this.gov = new ObservedReactiveGov(observer, () -> target.get().gov());
	}

	private ReactiveOnceOnly target() {
		return this.target.get();
	}

	@Override
	public Mono<CheckLockResult> checkLock(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String requestId) {
		return this.observer.observeMono("check_lock", () -> target().checkLock(key, ttl, metadata, requestId),
				Outcomes::of, (ex) -> Outcomes.ERROR, (meters, result) -> meters.checkLock("check_lock", result));
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
		return this.observer.observeMono("me", () -> target().me(), ClientObserver.success());
	}

	@Override
	public Mono<Map<String, Object>> updateNotifications(NotificationPreferences preferences) {
		return this.observer.observeMono("notifications", () -> target().updateNotifications(preferences),
				ClientObserver.success());
	}

	@Override
	public Mono<Map<String, Object>> usage(String kind) {
		return this.observer.observeMono("usage", () -> target().usage(kind), ClientObserver.success());
	}

	@Override
	public Mono<Map<String, Object>> usageAll() {
		return this.observer.observeMono("usage", () -> target().usageAll(), ClientObserver.success());
	}

	@Override
	public Mono<Map<String, Object>> events(int limit, int offset) {
		return this.observer.observeMono("events", () -> target().events(limit, offset), ClientObserver.success());
	}

	@Override
	public Mono<Map<String, Object>> postEvent(RunEvent event) {
		return this.observer.observeMono("events", () -> target().postEvent(event), ClientObserver.success());
	}

	@Override
	public Mono<Map<String, Object>> metrics(String fromDay, String toDay) {
		return this.observer.observeMono("metrics", () -> target().metrics(fromDay, toDay), ClientObserver.success());
	}

	@Override
	public Mono<Map<String, Object>> getRunTimeline(String runId, int limit, int offset) {
		return this.observer.observeMono("runs", () -> target().getRunTimeline(runId, limit, offset),
				ClientObserver.success());
	}

}
