package tech.onceonly.client.remote;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.ApiException;
import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.NotificationPreferences;
import tech.onceonly.client.OnceOnlyTimeoutException;
import tech.onceonly.client.OnceOnlyTransportException;
import tech.onceonly.client.ReactiveOnceOnly;
import tech.onceonly.client.ReactiveOnceOnlyAi;
import tech.onceonly.client.ReactiveOnceOnlyGov;
import tech.onceonly.client.RunEvent;

/**
 * The OnceOnly client API over HTTP with {@code Mono} results, wire-compatible with the
 * official SDKs. Nothing is sent until a {@code Mono} is subscribed; client-side argument
 * errors ({@link IllegalArgumentException}) are signalled through the {@code Mono} as
 * well. Obtain it from {@link RemoteOnceOnly#reactive()}.
 */
public final class ReactiveRemoteOnceOnly implements ReactiveOnceOnly {

	private static final Log logger = LogFactory.getLog("onceonly");

	private final RemoteHttp http;

	private final JsonMapper jsonMapper;

	private final boolean failOpen;

	private final RemoteAi ai;

	private final RemoteGov gov;

	ReactiveRemoteOnceOnly(RemoteHttp http, JsonMapper jsonMapper, boolean failOpen, LeaseEvents leaseEvents) {
		this.http = http;
		this.jsonMapper = jsonMapper;
		this.failOpen = failOpen;
		this.ai = new RemoteAi(http, jsonMapper, leaseEvents);
		this.gov = new RemoteGov(http);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * With fail-open on, a timeout, a transport error or a 5xx answer (after retries)
	 * gives a fabricated {@code locked} result with {@code request_id} {@code fail-open}
	 * and {@code raw.fail_open = true}; 401, 402, 403, 422, 429 and other 4xx answers are
	 * always raised.
	 * <p>
	 * A duplicate answered to a retry, after an earlier attempt of this call may have
	 * reached the server and taken the key (its answer lost), is not trusted in either
	 * direction unless the server replayed that attempt's answer: the earlier failure is
	 * reported instead (so fail-open applies to it), never a duplicate of the caller's
	 * own lock. See {@code docs/remote-client.md}.
	 */
	@Override
	public Mono<CheckLockResult> checkLock(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String requestId) {
		return Mono.defer(() -> {
			Long seconds = WireBody.seconds(ttl);
			Map<String, Object> meta = metadata(this.jsonMapper, metadata);
			Map<String, Object> body = new WireBody().put("key", key).put("ttl", seconds).put("metadata", meta).build();
			return this.http.exchange(HttpMethod.POST, "/check-lock", body, requestId).map((response) -> {
				CheckLockResult result = this.http.parser().checkLock(response, key, seconds, meta);
				return ownAnswer(response, result.duplicate(), result);
			})
				.onErrorResume((ex) -> this.failOpen && failOpenReason(ex) != null,
						(ex) -> Mono.just(failOpen(key, seconds, meta, ex)));
		});
	}

	/**
	 * {@code answer}, unless it says someone else holds the key ({@code heldByOther})
	 * after an attempt of this call that may have reached the server: then that attempt's
	 * failure is thrown, as the answer may be the caller's own first attempt.
	 */
	static <T> T ownAnswer(RemoteResponse response, boolean heldByOther, T answer) {
		Throwable uncertain = response.uncertainAttempt();
		if (heldByOther && uncertain != null) {
			logger.warn("OnceOnly retry answered that the key is held after an earlier attempt of the same call may "
					+ "have taken it (answer lost, not replayed by the server); reporting the earlier failure: "
					+ uncertain.getMessage());
			if (uncertain instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(uncertain);
		}
		return answer;
	}

	private static CheckLockResult failOpen(String key, @Nullable Long ttl, @Nullable Map<String, Object> metadata,
			Throwable ex) {
		String reason = failOpenReason(ex);
		Map<String, Object> raw = new LinkedHashMap<>();
		raw.put("fail_open", true);
		raw.put("reason", reason);
		if (metadata != null) {
			raw.put("metadata", metadata);
		}
		logger.warn("OnceOnly check-lock failed open (reason=" + reason + "): " + ex.getMessage());
		return new CheckLockResult(true, false, key, (ttl != null) ? ttl : 0, null, "fail-open", 0, raw);
	}

	/**
	 * The fail-open reason of an error, or {@code null} when it must be raised (wire
	 * reference §3.2).
	 */
	static @Nullable String failOpenReason(Throwable ex) {
		if (ex instanceof OnceOnlyTimeoutException) {
			return "timeout";
		}
		if (ex instanceof OnceOnlyTransportException) {
			return "request_error";
		}
		if (ex instanceof ApiException api && api.getStatusCode() != null && api.getStatusCode() >= 500) {
			return "api_5xx";
		}
		return null;
	}

	/**
	 * The caller's metadata as a JSON object, or {@code {"value": "<text>"}} when it
	 * cannot be converted (as the SDKs do).
	 */
	@SuppressWarnings("unchecked")
	static @Nullable Map<String, Object> metadata(JsonMapper jsonMapper, @Nullable Map<String, ?> metadata) {
		if (metadata == null) {
			return null;
		}
		try {
			return jsonMapper.convertValue(metadata, LinkedHashMap.class);
		}
		catch (JacksonException ex) {
			return Map.of("value", String.valueOf(metadata));
		}
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
		return this.http.call(HttpMethod.GET, "/me", null);
	}

	@Override
	public Mono<Map<String, Object>> updateNotifications(NotificationPreferences preferences) {
		return Mono.defer(() -> this.http.call(HttpMethod.POST, "/me/notifications", preferences.toWire()));
	}

	@Override
	public Mono<Map<String, Object>> usage(String kind) {
		return this.http.call(HttpMethod.GET, "/usage" + UriEncoding.query(Map.of("kind", kind)), null);
	}

	@Override
	public Mono<Map<String, Object>> usageAll() {
		return this.http.call(HttpMethod.GET, "/usage/all", null);
	}

	@Override
	public Mono<Map<String, Object>> events(int limit, int offset) {
		return this.http.call(HttpMethod.GET, "/events" + query("limit", limit, "offset", offset), null);
	}

	@Override
	public Mono<Map<String, Object>> postEvent(RunEvent event) {
		return Mono.defer(() -> {
			String runId = requireText(event.runId(), "run_id");
			String type = requireText(event.type(), "type");
			Map<String, Object> body = new LinkedHashMap<>(event.toWire());
			Map<String, Object> extra = (event.extra() != null) ? event.extra() : Map.of();
			if (!extra.containsKey("run_id")) {
				body.put("run_id", runId);
			}
			if (!extra.containsKey("type")) {
				body.put("type", type);
			}
			return this.http.call(HttpMethod.POST, "/events", body);
		});
	}

	@Override
	public Mono<Map<String, Object>> metrics(String fromDay, String toDay) {
		return this.http.call(HttpMethod.GET, "/metrics" + query("from_day", fromDay, "to_day", toDay), null);
	}

	@Override
	public Mono<Map<String, Object>> getRunTimeline(String runId, int limit, int offset) {
		return Mono.defer(() -> {
			String id = requireText(runId, "run_id");
			return this.http.call(HttpMethod.GET,
					UriEncoding.path("/runs/", id) + query("limit", limit, "offset", offset), null);
		});
	}

	/**
	 * The trimmed value, or an {@link IllegalArgumentException} "{@code <name>} must not
	 * be empty".
	 */
	static String requireText(@Nullable String value, String name) {
		String trimmed = (value != null) ? value.strip() : "";
		if (trimmed.isEmpty()) {
			throw new IllegalArgumentException(name + " must not be empty");
		}
		return trimmed;
	}

	/** A two-parameter query string in the given order. */
	static String query(String name1, Object value1, String name2, Object value2) {
		Map<String, String> params = new LinkedHashMap<>();
		params.put(name1, String.valueOf(value1));
		params.put(name2, String.valueOf(value2));
		return UriEncoding.query(params);
	}

}
