package tech.onceonly.server.web;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the API's error bodies ({@code {"detail": …}}) from filters, outside Spring MVC.
 */
public final class ErrorBodies {

	private final JsonMapper json;

	/** Error bodies written with {@code json}. */
	public ErrorBodies(JsonMapper json) {
		this.json = json;
	}

	/**
	 * One FastAPI-style validation error item: {@code {"type", "loc", "msg", "input"}}.
	 */
	public static Map<String, Object> item(String type, List<Object> loc, String msg, @Nullable Object input) {
		Map<String, Object> item = new LinkedHashMap<>();
		item.put("type", type);
		item.put("loc", loc);
		item.put("msg", msg);
		item.put("input", input);
		return item;
	}

	/** Writes {@code body} as JSON with {@code status}. */
	public void write(HttpServletResponse response, int status, Object body) throws IOException {
		response.setStatus(status);
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		byte[] bytes = this.json.writeValueAsBytes(body);
		response.setContentLength(bytes.length);
		response.getOutputStream().write(bytes);
	}

	/** Writes a 422 with the FastAPI list form {@code {"detail": [items]}}. */
	public void validation(HttpServletResponse response, List<Map<String, Object>> items) throws IOException {
		write(response, 422, Map.of("detail", items));
	}

}
