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
		Map<String, Object> body = endpoint.needsBody() ? parseBody(request.body()) : Map.of();
		Object value;
		if (endpoint.key() != null) {
			try {
				value = endpoint.key().getValue(evaluationContext(request, body));
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
			String field = endpoint.provider().bodyField();
			value = body.get(field);
			if (value == null && "url_verification".equals(body.get("type"))) {
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

	private static SimpleEvaluationContext evaluationContext(WebhookRequest request, Map<String, Object> body) {
		SimpleEvaluationContext context = SimpleEvaluationContext
			.forPropertyAccessors(new MapAccessor(false), DataBindingPropertyAccessor.forReadOnlyAccess())
			.withInstanceMethods()
			.build();
		Map<String, String> headers = new LinkedCaseInsensitiveMap<>();
		request.headers().forEach((name, values) -> {
			if (!values.isEmpty()) {
				headers.putIfAbsent(name, values.get(0));
			}
		});
		Map<String, String> params = new LinkedHashMap<>();
		request.queryParams().forEach((name, values) -> {
			if (!values.isEmpty()) {
				params.put(name, values.get(0));
			}
		});
		context.setVariable("headers", Collections.unmodifiableMap(headers));
		context.setVariable("pathVariables", Collections.unmodifiableMap(request.pathVariables()));
		context.setVariable("params", Collections.unmodifiableMap(params));
		context.setVariable("body", Collections.unmodifiableMap(body));
		return context;
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
