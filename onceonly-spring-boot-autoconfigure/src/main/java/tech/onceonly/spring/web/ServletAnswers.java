package tech.onceonly.spring.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * Writing answers and reading request parts on the Servlet API, for the OnceOnly
 * interceptors and filters.
 */
public final class ServletAnswers {

	private ServletAnswers() {
	}

	/**
	 * Whether the answer of {@code request} is an async request timeout (Spring MVC's
	 * {@link AsyncRequestTimeoutException}, thrown or resolved to 503): the handler's
	 * async work may still be running.
	 * @param request the request, on its last dispatch
	 * @param ex the exception the dispatch ended with, or {@code null}
	 * @return whether the request timed out
	 */
	public static boolean asyncTimedOut(HttpServletRequest request, @Nullable Throwable ex) {
		return ex instanceof AsyncRequestTimeoutException
				|| request.getAttribute(DispatcherServlet.EXCEPTION_ATTRIBUTE) instanceof AsyncRequestTimeoutException;
	}

	/**
	 * Writes a whole answer, replacing anything buffered.
	 * @param response the response
	 * @param status the status
	 * @param contentType the content type
	 * @param body the body
	 * @throws IOException when writing fails
	 */
	public static void write(HttpServletResponse response, int status, String contentType, byte[] body)
			throws IOException {
		if (!response.isCommitted()) {
			response.resetBuffer();
		}
		response.setStatus(status);
		response.setContentType(contentType);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
		response.flushBuffer();
	}

	/** The request headers. */
	public static HttpHeaders headers(HttpServletRequest request) {
		HttpHeaders headers = new HttpHeaders();
		for (String name : Collections.list(request.getHeaderNames())) {
			headers.put(name, Collections.list(request.getHeaders(name)));
		}
		return headers;
	}

	/** The path variables of the matched route (empty before handler mapping). */
	@SuppressWarnings("unchecked")
	public static Map<String, String> pathVariables(HttpServletRequest request) {
		Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
		return (variables instanceof Map<?, ?> map) ? new LinkedHashMap<>((Map<String, String>) map) : Map.of();
	}

	/** The route pattern the request matched, or its path when no pattern is known. */
	public static String route(HttpServletRequest request) {
		Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
		return (pattern != null) ? pattern.toString() : request.getRequestURI();
	}

	/** The decoded query parameters (never the form body). */
	public static MultiValueMap<String, String> queryParams(HttpServletRequest request) {
		String query = request.getQueryString();
		MultiValueMap<String, String> decoded = new LinkedMultiValueMap<>();
		if (query == null || query.isEmpty()) {
			return decoded;
		}
		MultiValueMap<String, String> raw = UriComponentsBuilder.newInstance().query(query).build().getQueryParams();
		raw.forEach((name, values) -> {
			for (String value : values) {
				decoded.add(UriUtils.decode(name, StandardCharsets.UTF_8),
						(value != null) ? UriUtils.decode(value, StandardCharsets.UTF_8) : "");
			}
		});
		return decoded;
	}

}
