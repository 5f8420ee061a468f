package tech.onceonly.server.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import tech.onceonly.client.ApiException;
import tech.onceonly.client.ValidationException;
import tech.onceonly.server.limits.QuotaExceededException;
import tech.onceonly.server.security.ToolUrlRefusedException;
import tech.onceonly.store.StoreException;

/**
 * Maps every failure to the API's error shapes: {@code {"detail": …}}, with FastAPI-style
 * lists for 422.
 */
@RestControllerAdvice
public class ApiExceptionHandler {

	private static final Log logger = LogFactory.getLog(ApiExceptionHandler.class);

	private static final Set<String> FIELDS = Set.of("key", "ttl", "metadata", "lease_id", "error_code", "run_id",
			"type", "agent_id", "tool", "args", "result", "name", "scope_id", "template", "period", "limit", "offset",
			"url");

	/** A request that does not match the endpoint's schema. */
	@ExceptionHandler(RequestValidationException.class)
	public ResponseEntity<Object> requestValidation(RequestValidationException ex) {
		return ResponseEntity.status(422).body(Map.of("detail", ex.getItems()));
	}

	/** A value the engine refused (key, ttl, metadata…). */
	@ExceptionHandler(ValidationException.class)
	public ResponseEntity<Object> engineValidation(ValidationException ex, HttpServletRequest request) {
		return valueError(ex.getMessage(), request);
	}

	/** An argument the client API refused. */
	@ExceptionHandler(IllegalArgumentException.class)
	public ResponseEntity<Object> illegalArgument(IllegalArgumentException ex, HttpServletRequest request) {
		return valueError(ex.getMessage(), request);
	}

	private static ResponseEntity<Object> valueError(String message, HttpServletRequest request) {
		String where = "GET".equals(request.getMethod()) || "DELETE".equals(request.getMethod()) ? "query" : "body";
		String first = (message != null) ? message.split("[\\s:.,]", 2)[0] : "";
		List<Object> loc = FIELDS.contains(first) ? List.of(where, first) : List.of(where);
		return ResponseEntity.status(422)
			.body(Map.of("detail", List.of(ErrorBodies.item("value_error", loc, String.valueOf(message), null))));
	}

	/** A tool URL the server must not call. */
	@ExceptionHandler(ToolUrlRefusedException.class)
	public ResponseEntity<Object> toolUrl(ToolUrlRefusedException ex) {
		return ResponseEntity.status(422)
			.body(Map.of("detail",
					List.of(ErrorBodies.item("value_error", List.of("body", "url"), ex.getMessage(), null))));
	}

	/** A monthly quota is used up. */
	@ExceptionHandler(QuotaExceededException.class)
	public ResponseEntity<Object> quota(QuotaExceededException ex) {
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("error", "payment_required");
		detail.put("highlights", "Plan limit reached");
		detail.put("plan", ex.getPlan());
		detail.put("limit", ex.getLimit());
		detail.put("usage", ex.getUsage());
		detail.put("upgrade_url", "");
		return ResponseEntity.status(402).body(Map.of("detail", detail));
	}

	/**
	 * An error answer of the engine with its status (409 stale_lease, 404
	 * tool_not_found…).
	 */
	@ExceptionHandler(ApiException.class)
	public ResponseEntity<Object> api(ApiException ex) {
		Map<String, Object> detail = new LinkedHashMap<>(ex.getDetail());
		if (!detail.containsKey("message") && ex.getMessage() != null) {
			detail.put("message", ex.getMessage());
		}
		int status = (ex.getStatusCode() != null) ? ex.getStatusCode() : 400;
		return ResponseEntity.status(status).body(Map.of("detail", detail));
	}

	/** A capability the local engine does not implement yet. */
	@ExceptionHandler(UnsupportedOperationException.class)
	public ResponseEntity<Object> unsupported(UnsupportedOperationException ex) {
		String message = String.valueOf(ex.getMessage()).replace("; use the remote client for it", "");
		return ResponseEntity.status(501)
			.body(Map.of("detail", Map.of("error", "not_implemented", "message", message)));
	}

	/** A required query parameter is missing. */
	@ExceptionHandler(MissingServletRequestParameterException.class)
	public ResponseEntity<Object> missingParameter(MissingServletRequestParameterException ex) {
		return ResponseEntity.status(422)
			.body(Map.of("detail", List
				.of(ErrorBodies.item("missing", List.of("query", ex.getParameterName()), "Field required", null))));
	}

	/** A query parameter of the wrong type. */
	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	public ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException ex) {
		return ResponseEntity.status(422)
			.body(Map.of("detail",
					List.of(ErrorBodies.item("int_parsing", List.of("query", ex.getName()),
							"Input should be a valid integer, unable to parse string as an integer",
							String.valueOf(ex.getValue())))));
	}

	/** An unknown path. */
	@ExceptionHandler(NoResourceFoundException.class)
	public ResponseEntity<Object> notFound() {
		return ResponseEntity.status(404).body(Map.of("detail", "Not Found"));
	}

	/** A known path with another method. */
	@ExceptionHandler(HttpRequestMethodNotSupportedException.class)
	public ResponseEntity<Object> methodNotAllowed() {
		return ResponseEntity.status(405).body(Map.of("detail", "Method Not Allowed"));
	}

	/**
	 * The store is unreachable or failed: 503 with {@code Retry-After}, logged in one
	 * line without a stack trace (a stack trace per request would flood the log during an
	 * outage).
	 */
	@ExceptionHandler(StoreException.class)
	public ResponseEntity<Object> storeUnavailable(StoreException ex, HttpServletRequest request) {
		return storeOutage(ex, request);
	}

	/** The answer to a store failure: 503, {@code Retry-After}, no internals. */
	static ResponseEntity<Object> storeOutage(Throwable ex, HttpServletRequest request) {
		logger.warn("Store unavailable while serving " + request.getMethod() + " " + request.getRequestURI()
				+ " (answered 503): " + describe(ex));
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("error", STORE_UNAVAILABLE);
		detail.put("message", "The store is unavailable; retry after the Retry-After delay");
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header("Retry-After", RETRY_AFTER_SECONDS)
			.body(Map.of("detail", detail));
	}

	/** The {@code error} of a 503 answered during a store outage. */
	public static final String STORE_UNAVAILABLE = "store_unavailable";

	/** The {@code Retry-After} of a 503 answered during a store outage. */
	public static final String RETRY_AFTER_SECONDS = "1";

	/** The store failure in {@code ex}'s cause chain, if any. */
	static @Nullable Throwable storeFailure(Throwable ex) {
		for (Throwable t = ex; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			if (t instanceof StoreException) {
				return t;
			}
		}
		return null;
	}

	/**
	 * One line naming every exception of the chain and its message, without empty or
	 * {@code null} messages.
	 */
	static String describe(Throwable ex) {
		StringBuilder line = new StringBuilder();
		int depth = 0;
		for (Throwable t = ex; t != null && depth < 6; t = (t.getCause() != t) ? t.getCause() : null, depth++) {
			if (line.length() > 0) {
				line.append(" <- ");
			}
			line.append(t.getClass().getSimpleName());
			String message = t.getMessage();
			if (message != null) {
				message = message.replaceAll("(: null)+$", "").replaceAll("[\\r\\n]+", " ").strip();
				if (!message.isEmpty() && !message.equals("null")) {
					line.append(": ").append((message.length() > 300) ? message.substring(0, 300) + "…" : message);
				}
			}
		}
		return line.toString();
	}

	/** Anything else: logged, answered without internals. */
	@ExceptionHandler(Exception.class)
	public ResponseEntity<Object> unexpected(Exception ex, HttpServletRequest request) {
		Throwable store = storeFailure(ex);
		if (store != null) {
			return storeOutage(store, request);
		}
		logger.error("Unexpected error while serving a OnceOnly API request", ex);
		return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(Map.of("detail", "Internal Server Error"));
	}

}
