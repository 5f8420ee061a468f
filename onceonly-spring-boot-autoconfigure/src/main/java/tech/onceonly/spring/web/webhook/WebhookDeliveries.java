package tech.onceonly.spring.web.webhook;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.spel.support.DataBindingPropertyAccessor;
import org.springframework.expression.spel.support.MapAccessor;
import org.springframework.expression.spel.support.SimpleEvaluationContext;
import org.springframework.util.LinkedCaseInsensitiveMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.Internal;
import tech.onceonly.client.AiRun;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.spring.web.Digests;
import tech.onceonly.spring.web.ProblemDetails;

/**
 * The webhook rules shared by Spring MVC and WebFlux: how a delivery id is found, which
 * key it is stored under, what a lease answer means, and the bodies of every answer given
 * instead of the handler's.
 */
@Internal
public final class WebhookDeliveries {

	/** The outcome of a delivery whose handler ran and answered 2xx. */
	public static final String EXECUTED = "executed";

	/** The outcome of a delivery that was already handled. */
	public static final String DUPLICATE = "duplicate";

	/** The outcome of a delivery that arrived while the same one was being handled. */
	public static final String IN_PROGRESS = "in_progress";

	/**
	 * The outcome of a delivery whose handler failed, or that could not be guarded; its
	 * key was released.
	 */
	public static final String FAILED = "failed";

	/** The outcome of a delivery refused before its handler (no id, body too large). */
	public static final String REJECTED = "rejected";

	private static final int MAX_KEY_LENGTH = 256;

	private static final int MAX_ID_LENGTH = 1024;

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final WebhookSettings settings;

	private final Duration defaultHeartbeat;

	/**
	 * Rules with the given settings.
	 * @param settings the settings
	 */
	public WebhookDeliveries(WebhookSettings settings) {
		this.settings = settings;
		this.defaultHeartbeat = Heartbeats.period(settings.leaseTtl(), null);
	}

	/** The settings. */
	public WebhookSettings settings() {
		return this.settings;
	}

	/**
	 * Finds the delivery id of a request.
	 * @param endpoint the handler's settings
	 * @param request the request
	 * @return the id, or why there is none, or that the request is let through unguarded
	 */
	public IdResolution resolveId(WebhookEndpoint endpoint, WebhookRequest request) {
		// a provider's id field is read from the top level without building the body
		Map<String, Object> body = (endpoint.key() != null && endpoint.needsBody()) ? parseBody(request.body())
				: Map.of();
		Object value;
		if (endpoint.key() != null) {
			try {
				value = endpoint.key().getValue(evaluationContext(endpoint, request, body));
			}
			catch (EvaluationException ex) {
				return IdResolution.missing("The webhook id expression of this endpoint found no value in the request");
			}
		}
		else if (endpoint.header() != null) {
			value = request.headers().getFirst(endpoint.header());
			if (value == null) {
				return IdResolution.missing("The request has no " + endpoint.header() + " header");
			}
		}
		else {
			String field = String.valueOf(endpoint.provider().bodyField());
			TopLevel top = TopLevel.read(request.body(), field);
			if (top.nested()) {
				// an id that is an object or an array: read as the whole body would be
				body = parseBody(request.body());
				top = new TopLevel(body.get(field), body.get("type"), false);
			}
			value = top.value();
			if (value == null && "url_verification".equals(top.type())) {
				return IdResolution.PASS;
			}
			if (value == null) {
				return IdResolution.missing("The JSON body has no top-level \"" + field + "\" field");
			}
		}
		String id = (value != null) ? value.toString().trim() : "";
		if (id.isEmpty()) {
			return IdResolution.missing("The webhook delivery id is empty");
		}
		if (id.length() > MAX_ID_LENGTH || id.chars().anyMatch(Character::isISOControl)) {
			return IdResolution.missing(
					"The webhook delivery id must be 1-" + MAX_ID_LENGTH + " characters without control characters");
		}
		return IdResolution.of(id);
	}

	/**
	 * The key a delivery is leased under: {@code webhook:<scope>:<id>}, with the id (or
	 * scope and id) replaced by its SHA-256 when the key would be longer than 256
	 * characters.
	 * @param endpoint the handler's settings
	 * @param route the route pattern, the scope when the endpoint names none
	 * @param id the delivery id
	 * @return the key
	 */
	public String key(WebhookEndpoint endpoint, String route, String id) {
		String scope = (endpoint.scope() != null) ? endpoint.scope() : route;
		String key = "webhook:" + scope + ":" + id;
		if (key.length() <= MAX_KEY_LENGTH) {
			return key;
		}
		key = "webhook:" + scope + ":sha256:" + Digests.sha256Hex(id);
		return (key.length() <= MAX_KEY_LENGTH) ? key : "webhook:sha256:" + Digests.sha256Hex(scope + "\n" + id);
	}

	/** The lease time of a delivery of {@code endpoint}. */
	public Duration leaseTtl(WebhookEndpoint endpoint) {
		return (endpoint.leaseTtl() != null) ? endpoint.leaseTtl() : this.settings.leaseTtl();
	}

	/**
	 * The heartbeat period of a delivery of {@code endpoint}: a third of its lease time
	 * ({@link Heartbeats#period(Duration, Duration)}), computed once for the configured
	 * lease time.
	 */
	public Duration heartbeat(WebhookEndpoint endpoint) {
		Duration ttl = endpoint.leaseTtl();
		return (ttl != null) ? Heartbeats.period(ttl, null) : this.defaultHeartbeat;
	}

	/** The seconds sent in {@code Retry-After} with a 409. */
	public long retryAfterSeconds(AiRun lease) {
		Long hint = lease.retryAfterSec();
		return (hint != null && hint > 0) ? hint : Math.max(1, this.settings.retryAfter().toSeconds());
	}

	/** The body answered to a delivery that was already handled. */
	public static byte[] duplicateBody() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("status", "duplicate");
		body.put("detail", "This delivery was already processed; the handler was not run again.");
		return ProblemDetails.object(body);
	}

	/** The problem answered to a delivery that is being handled right now. */
	public static byte[] inProgressProblem(long retryAfterSeconds) {
		return ProblemDetails.json("webhook-in-progress", "Delivery in progress", 409,
				"This delivery is being processed right now; retry after " + retryAfterSeconds + " s.", Map.of());
	}

	/**
	 * The 401 problem for a delivery whose signature is missing, wrong or stale; the
	 * reason never contains a secret or request data.
	 */
	public static byte[] signatureProblem(String reason) {
		return ProblemDetails.json("webhook-signature-invalid", "Webhook signature not valid", 401,
				reason + "; the delivery was not processed", Map.of());
	}

	/** The 400 problem for a delivery without an id. */
	public static byte[] missingIdProblem(String detail) {
		return ProblemDetails.json("webhook-id-missing", "Webhook delivery id missing", 400, detail, Map.of());
	}

	/** The problem answered to a delivery whose body is too large to read. */
	public static byte[] tooLargeProblem(long limit) {
		return ProblemDetails.json("webhook-body-too-large", "Webhook body too large", 413,
				"The body is larger than the " + limit + " bytes read to find the delivery id.", Map.of());
	}

	/**
	 * The problem answered when the OnceOnly backend could not be asked; the provider
	 * should retry.
	 */
	public static byte[] unavailableProblem() {
		return ProblemDetails.json("webhook-unavailable", "Deduplication unavailable", 503,
				"The delivery could not be checked for duplicates right now; retry later.", Map.of());
	}

	private static Map<String, Object> parseBody(byte[] body) {
		int i = 0;
		while (i < body.length && Character.isWhitespace(body[i])) {
			i++;
		}
		if (i == body.length || body[i] != '{') {
			return Map.of();
		}
		try {
			Map<String, Object> parsed = JSON.readValue(body, MAP);
			return (parsed != null) ? parsed : Map.of();
		}
		catch (JacksonException ex) {
			return Map.of();
		}
	}

	private static SimpleEvaluationContext evaluationContext(WebhookEndpoint endpoint, WebhookRequest request,
			Map<String, Object> body) {
		SimpleEvaluationContext context = SimpleEvaluationContext
			.forPropertyAccessors(new MapAccessor(false), DataBindingPropertyAccessor.forReadOnlyAccess())
			.withInstanceMethods()
			.build();
		// only the variables the expression mentions are built (the others stay empty)
		Map<String, String> headers = Map.of();
		if (endpoint.readsHeaders()) {
			Map<String, String> copy = new LinkedCaseInsensitiveMap<>();
			request.headers().forEach((name, values) -> {
				if (!values.isEmpty()) {
					copy.putIfAbsent(name, values.get(0));
				}
			});
			headers = Collections.unmodifiableMap(copy);
		}
		Map<String, String> params = Map.of();
		if (endpoint.readsParams()) {
			Map<String, String> copy = new LinkedHashMap<>();
			request.queryParams().forEach((name, values) -> {
				if (!values.isEmpty()) {
					copy.put(name, values.get(0));
				}
			});
			params = Collections.unmodifiableMap(copy);
		}
		context.setVariable("headers", headers);
		context.setVariable("pathVariables", Collections.unmodifiableMap(request.pathVariables()));
		context.setVariable("params", params);
		context.setVariable("body", Collections.unmodifiableMap(body));
		return context;
	}

	/**
	 * The top-level {@code field} and {@code type} of a JSON object body, read with a
	 * streaming parser that skips every nested value instead of building the body. A body
	 * that is not a JSON object, or not well-formed JSON, has neither (as when the whole
	 * body is parsed).
	 *
	 * @param value the field's value ({@code String}, {@code Number}, {@code Boolean}),
	 * or {@code null}
	 * @param type the top-level {@code type} when it is a string, or {@code null}
	 * @param nested whether the field's value is an object or an array (then the body is
	 * parsed whole)
	 */
	record TopLevel(@Nullable Object value, @Nullable Object type, boolean nested) {

		static final TopLevel NONE = new TopLevel(null, null, false);

		static TopLevel read(byte[] body, String field) {
			int i = 0;
			while (i < body.length && Character.isWhitespace(body[i])) {
				i++;
			}
			if (i == body.length || body[i] != '{') {
				return NONE;
			}
			try (JsonParser parser = JSON.createParser(body)) {
				if (parser.nextToken() != JsonToken.START_OBJECT) {
					return NONE;
				}
				Object value = null;
				Object type = null;
				boolean nested = false;
				while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
					String name = parser.currentName();
					JsonToken token = parser.nextToken();
					if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
						nested = nested || field.equals(name);
						parser.skipChildren();
					}
					else if (field.equals(name)) {
						value = scalar(parser, token);
						nested = false;
					}
					else if ("type".equals(name)) {
						type = (token == JsonToken.VALUE_STRING) ? parser.getString() : null;
					}
				}
				// nothing may follow the object (as when the whole body is parsed)
				if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
					return NONE;
				}
				return new TopLevel(value, type, nested);
			}
			catch (JacksonException ex) {
				return NONE;
			}
		}

		private static @Nullable Object scalar(JsonParser parser, JsonToken token) {
			return switch (token) {
				case VALUE_STRING -> parser.getString();
				case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
				case VALUE_TRUE -> Boolean.TRUE;
				case VALUE_FALSE -> Boolean.FALSE;
				default -> null;
			};
		}

	}

	/**
	 * The delivery id of a request, or why there is none.
	 *
	 * @param id the id, or {@code null}
	 * @param pass whether the request is let through unguarded (a Slack URL verification)
	 * @param problem why there is no id, or {@code null}
	 */
	public record IdResolution(@Nullable String id, boolean pass, @Nullable String problem) {

		static final IdResolution PASS = new IdResolution(null, true, null);

		static IdResolution of(String id) {
			return new IdResolution(id, false, null);
		}

		static IdResolution missing(String problem) {
			return new IdResolution(null, false, problem);
		}

	}

}
