package tech.onceonly.client;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/** Any other error answer of the API (400, 403 business errors, 404, 409, 5xx…). */
public class ApiException extends OnceOnlyException {

	private static final long serialVersionUID = 1L;

	private final @Nullable Integer statusCode;

	private final transient Map<String, Object> detail;

	public ApiException(String message, @Nullable Integer statusCode, Map<String, Object> detail) {
		super(message);
		this.statusCode = statusCode;
		this.detail = Map.copyOf(WireMaps.withoutNulls(detail));
	}

	/** The HTTP status code of the answer, or {@code null} when there was none. */
	public @Nullable Integer getStatusCode() {
		return this.statusCode;
	}

	/** The error detail object of the answer, or an empty map. */
	public Map<String, Object> getDetail() {
		return this.detail;
	}

	/** The {@code error} code of the detail object, or {@code null}. */
	public @Nullable String getErrorCode() {
		Object error = this.detail.get("error");
		return (error instanceof String s) ? s : null;
	}

}
