package tech.onceonly.client;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The OnceOnly client API: every operation of the OnceOnly HTTP API and the SDKs' client
 * flows, in blocking form. {@link #reactive()} gives the same operations as
 * {@code Mono}s.
 * <p>
 * Implementations: {@code RemoteOnceOnly} (the hosted API or a self-hosted server, over
 * HTTP) and {@code LocalOnceOnly} (the same semantics in-process, on a store). Both
 * answer with the same results and errors. Operations return immutable results; untyped
 * answers are JSON objects as unmodifiable maps.
 */
public interface OnceOnly {

	/**
	 * Atomically takes {@code key} for {@code ttl} if nobody has it: the first caller
	 * gets {@code locked}, every other caller within the ttl gets {@code duplicate} with
	 * {@code first_seen_at}.
	 * @param key 1–256 characters, no control characters
	 * @param ttl how long the key stays taken (whole seconds); {@code null} for the
	 * default
	 * @param metadata a JSON object of at most 2048 bytes stored with the key, or
	 * {@code null}
	 * @param requestId sent as {@code X-Request-Id}; a repeated id gets the first answer
	 * on servers that support it
	 * @return locked or duplicate
	 * @throws ValidationException when the key, ttl or metadata is invalid
	 */
	CheckLockResult checkLock(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String requestId);

	/**
	 * {@link #checkLock(String, Duration, Map, String)} with the default ttl and no
	 * metadata.
	 */
	default CheckLockResult checkLock(String key) {
		return checkLock(key, null, null, null);
	}

	/** {@link #checkLock(String, Duration, Map, String)} without metadata. */
	default CheckLockResult checkLock(String key, @Nullable Duration ttl) {
		return checkLock(key, ttl, null, null);
	}

	/** Leases, keyed runs, governed tool calls and the flows built on them. */
	OnceOnlyAi ai();

	/** Policies, the kill switch, audit logs, metrics and the tools registry. */
	OnceOnlyGov gov();

	/** The account: plan and settings ({@code GET /me}). */
	Map<String, Object> me();

	/**
	 * Changes notification settings ({@code POST /me/notifications}).
	 * @throws IllegalArgumentException when no setting is given
	 */
	Map<String, Object> updateNotifications(NotificationPreferences preferences);

	/**
	 * This month's usage of {@code make} (check-lock) or {@code ai} ({@code GET /usage}).
	 */
	Map<String, Object> usage(String kind);

	/** This month's usage of every kind ({@code GET /usage/all}). */
	Map<String, Object> usageAll();

	/** Recent events, newest first ({@code GET /events}). */
	Map<String, Object> events(int limit, int offset);

	/**
	 * Adds an event to a run's timeline ({@code POST /events}).
	 * @throws IllegalArgumentException when run_id or type is blank
	 */
	Map<String, Object> postEvent(RunEvent event);

	/** Daily metrics between two days, {@code YYYY-MM-DD} ({@code GET /metrics}). */
	Map<String, Object> metrics(String fromDay, String toDay);

	/**
	 * A run's timeline ({@code GET /runs/{run_id}}).
	 * @throws IllegalArgumentException when run_id is blank
	 */
	Map<String, Object> getRunTimeline(String runId, int limit, int offset);

	/** The same client with {@code Mono} results. */
	ReactiveOnceOnly reactive();

	/**
	 * What this client's backend is and supports (local or remote, the store type, the
	 * local engine's operations). Decorators forward it unchanged, so the answer is the
	 * same whatever wraps the backend. A client that does not say is treated as remote:
	 * no local operations.
	 * @return the backend
	 */
	default OnceOnlyBackend backend() {
		return OnceOnlyBackend.remote();
	}

}
