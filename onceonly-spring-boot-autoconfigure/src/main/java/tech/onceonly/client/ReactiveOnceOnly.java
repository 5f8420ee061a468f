package tech.onceonly.client;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The OnceOnly client API with {@code Mono} results; each method means what its
 * {@link OnceOnly} twin means.
 */
public interface ReactiveOnceOnly {

	/** See {@link OnceOnly#checkLock(String, Duration, Map, String)}. */
	Mono<CheckLockResult> checkLock(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String requestId);

	/** See {@link OnceOnly#ai()}. */
	ReactiveOnceOnlyAi ai();

	/** See {@link OnceOnly#gov()}. */
	ReactiveOnceOnlyGov gov();

	/** See {@link OnceOnly#me()}. */
	Mono<Map<String, Object>> me();

	/** See {@link OnceOnly#updateNotifications(NotificationPreferences)}. */
	Mono<Map<String, Object>> updateNotifications(NotificationPreferences preferences);

	/** See {@link OnceOnly#usage(String)}. */
	Mono<Map<String, Object>> usage(String kind);

	/** See {@link OnceOnly#usageAll()}. */
	Mono<Map<String, Object>> usageAll();

	/** See {@link OnceOnly#events(int, int)}. */
	Mono<Map<String, Object>> events(int limit, int offset);

	/** See {@link OnceOnly#postEvent(RunEvent)}. */
	Mono<Map<String, Object>> postEvent(RunEvent event);

	/** See {@link OnceOnly#metrics(String, String)}. */
	Mono<Map<String, Object>> metrics(String fromDay, String toDay);

	/** See {@link OnceOnly#getRunTimeline(String, int, int)}. */
	Mono<Map<String, Object>> getRunTimeline(String runId, int limit, int offset);

}
