package tech.onceonly.client.remote;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.ApiException;
import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.OnceOnlyException;
import tech.onceonly.client.OverLimitException;
import tech.onceonly.client.RateLimitException;
import tech.onceonly.client.StaleLeaseException;
import tech.onceonly.client.UnauthorizedException;
import tech.onceonly.client.ValidationException;
import tech.onceonly.client.WireMaps;

/**
 * Turns API answers into JSON objects or typed errors: the SDKs' generic parser (wire
 * reference §3.1, with the 403 rule of DESIGN §7) and check-lock's own mapping (§2.1).
 */
final class ResponseParser {

	static final String FEATURE_NOT_AVAILABLE = "Feature not available for this plan.";

	private static final Set<String> AUTH_TEXTS = Set.of("forbidden", "invalid api key", "api key disabled");

	private static final Set<String> AUTH_CODES = Set.of("invalid_api_key", "api_key_disabled", "forbidden");

	private final ObjectReader reader;

	ResponseParser(JsonMapper jsonMapper) {
		this.reader = jsonMapper.readerFor(Object.class).with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
	}

	/** The decoded JSON body, or {@code null} when it is empty or not JSON. */
	@Nullable Object json(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		try {
			return this.reader.readValue(body);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/**
	 * A 2xx answer as a JSON object (a non-object value as {@code {"data": value}}, an
	 * empty or unparseable body as {@code {}}); any other answer as its typed error.
	 */
	Map<String, Object> parse(RemoteResponse response) {
		if (!response.isSuccess()) {
			throw error(response);
		}
		return object(json(response.body()));
	}

	/** The typed error for a non-2xx answer of any endpoint but check-lock. */
	OnceOnlyException error(RemoteResponse response) {
		int status = response.status();
		Object json = json(response.body());
		Object detail = detail(json);
		switch (status) {
			case 401:
				return new UnauthorizedException(errorText(detail, UnauthorizedException.DEFAULT_MESSAGE));
			case 402:
				return new OverLimitException(nonNullMap(WireMaps.object(detail)));
			case 403:
				if (authLike(detail)) {
					return new UnauthorizedException(errorText(detail, UnauthorizedException.DEFAULT_MESSAGE));
				}
				Map<String, Object> forbidden = WireMaps.object(detail);
				boolean feature = forbidden != null && "feature_not_available".equals(forbidden.get("error"));
				return new ApiException(errorText(detail, feature ? FEATURE_NOT_AVAILABLE : "API Error (403)"), 403,
						apiDetail(detail));
			case 422:
				return new ValidationException(errorText(detail, "Validation Error: " + response.text()));
			case 429:
				return new RateLimitException(errorText(detail, RateLimitException.DEFAULT_MESSAGE),
						RetryDelays.parseRetryAfter(response.header("Retry-After")));
			default:
				Map<String, Object> object = WireMaps.object(detail);
				if (status == 409 && object != null && StaleLeaseException.ERROR_CODE.equals(object.get("error"))) {
					Object message = object.get("message");
					return new StaleLeaseException((message instanceof String s && !s.isBlank()) ? s
							: "Stale lease: the lease_id no longer holds the key; nothing was changed", object);
				}
				return new ApiException(errorText(detail, "API Error (" + status + ")"), status, apiDetail(detail));
		}
	}

	/**
	 * Maps a check-lock answer (wire reference §2.1): 401/403 unauthorized, 402/422/429
	 * typed errors, 409 duplicate, other non-2xx through the generic parser, and for 2xx
	 * the body {@code status}, then the {@code X-OnceOnly-Status} header, then
	 * {@code success} decide.
	 */
	CheckLockResult checkLock(RemoteResponse response, String sentKey, @Nullable Long sentTtl,
			@Nullable Map<String, Object> sentMetadata) {
		String requestId = response.header("X-Request-Id");
		String headerStatus = normalize(response.header("X-OnceOnly-Status"));
		int status = response.status();
		long fallbackTtl = (sentTtl != null) ? sentTtl : 0;
		if (status == 401 || status == 403) {
			throw new UnauthorizedException(
					errorText(detail(json(response.body())), UnauthorizedException.DEFAULT_MESSAGE));
		}
		if (status == 409) {
			Object json = json(response.body());
			Map<String, Object> raw = new LinkedHashMap<>();
			Object detail = null;
			if (json != null) {
				detail = (json instanceof Map<?, ?> map) ? map.get("detail") : null;
				raw.put("detail", detail);
			}
			if (sentMetadata != null) {
				raw.put("metadata", sentMetadata);
			}
			Map<String, Object> detailObject = WireMaps.object(detail);
			String firstSeenAt = (detailObject != null) ? WireMaps.string(detailObject, "first_seen_at") : null;
			return new CheckLockResult(false, true, sentKey, fallbackTtl, firstSeenAt, requestId, 409, raw);
		}
		if (status < 200 || status >= 300) {
			throw error(response);
		}
		// the parsed object is this call's own: completed in place (the record copies it
		// once)
		Object parsed = json(response.body());
		Map<String, Object> parsedObject = WireMaps.object(parsed);
		Map<String, Object> body = (parsedObject instanceof LinkedHashMap) ? parsedObject
				: new LinkedHashMap<>(object(parsed));
		String bodyStatus = normalize(WireMaps.string(body, "status"));
		boolean locked;
		if (bodyStatus.equals("locked") || bodyStatus.equals("duplicate")) {
			locked = bodyStatus.equals("locked");
		}
		else if (headerStatus.equals("locked") || headerStatus.equals("duplicate")) {
			locked = headerStatus.equals("locked");
		}
		else {
			locked = WireMaps.truthy(body.get("success"));
		}
		String key = WireMaps.string(body, "key");
		Long ttl = WireMaps.integer(body, "ttl");
		if (!body.containsKey("metadata") && sentMetadata != null) {
			body.put("metadata", sentMetadata);
		}
		return new CheckLockResult(locked, !locked, (key == null || key.isEmpty()) ? sentKey : key,
				(ttl == null || ttl == 0) ? fallbackTtl : ttl, WireMaps.string(body, "first_seen_at"), requestId,
				status, body);
	}

	/**
	 * A decoded value as a JSON object: objects as they are, other values as
	 * {@code {"data": value}}.
	 */
	static Map<String, Object> object(@Nullable Object json) {
		if (json == null) {
			return Map.of();
		}
		Map<String, Object> object = WireMaps.object(json);
		if (object != null) {
			return Collections.unmodifiableMap(object);
		}
		Map<String, Object> wrapped = new LinkedHashMap<>();
		wrapped.put("data", json);
		return Collections.unmodifiableMap(wrapped);
	}

	/** The {@code detail} of an error body when it has one, else the whole body. */
	private static @Nullable Object detail(@Nullable Object json) {
		if (json instanceof Map<?, ?> map && map.containsKey("detail")) {
			return map.get("detail");
		}
		return json;
	}

	/**
	 * The error's text: {@code error}, else {@code message} of an object, or a non-blank
	 * string, else the default.
	 */
	static String errorText(@Nullable Object detail, String defaultText) {
		if (detail instanceof Map<?, ?> map) {
			for (String field : new String[] { "error", "message" }) {
				if (map.get(field) instanceof String text && !text.isBlank()) {
					return text;
				}
			}
			return defaultText;
		}
		if (detail instanceof String text && !text.isBlank()) {
			return text;
		}
		return defaultText;
	}

	/** Whether a 403's detail is about the API key rather than the plan (DESIGN §7). */
	private static boolean authLike(@Nullable Object detail) {
		if (detail instanceof String text) {
			return AUTH_TEXTS.contains(normalize(text));
		}
		if (detail instanceof Map<?, ?> map) {
			return (map.get("error") instanceof String error && AUTH_CODES.contains(normalize(error)))
					|| (map.get("message") instanceof String message && AUTH_TEXTS.contains(normalize(message)));
		}
		return false;
	}

	/**
	 * An {@link ApiException} detail, as the TypeScript SDK makes it: a string detail
	 * becomes {@code {"detail": s}}.
	 */
	private static Map<String, Object> apiDetail(@Nullable Object detail) {
		if (detail instanceof String text) {
			return Map.of("detail", text);
		}
		return nonNullMap(WireMaps.object(detail));
	}

	private static Map<String, Object> nonNullMap(@Nullable Map<String, Object> map) {
		return (map != null) ? map : Map.of();
	}

	private static String normalize(@Nullable String value) {
		return (value != null) ? value.strip().toLowerCase(Locale.ROOT) : "";
	}

}
