package tech.onceonly.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small HTTP client of the server for tests: JSON in, JSON out, with the API key of a
 * tenant.
 */
public final class ApiClient {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String base;

	private final @Nullable String apiKey;

	public ApiClient(int port, @Nullable String apiKey) {
		this.base = "http://localhost:" + port;
		this.apiKey = apiKey;
	}

	/** A client with another key. */
	public ApiClient withKey(@Nullable String key) {
		return new ApiClient(Integer.parseInt(this.base.substring(this.base.lastIndexOf(':') + 1)), key);
	}

	public Answer get(String path) {
		return send(builder(path).GET());
	}

	public Answer delete(String path) {
		return send(builder(path).DELETE());
	}

	public Answer post(String path, @Nullable Object body, String... headers) {
		HttpRequest.Builder builder = builder(path);
		if (headers.length > 0) {
			builder.headers(headers);
		}
		String text = (body instanceof String s) ? s : (body != null) ? JSON.writeValueAsString(body) : "";
		return send(builder.POST(HttpRequest.BodyPublishers.ofString(text)));
	}

	private HttpRequest.Builder builder(String path) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(this.base + path))
			.header("Content-Type", "application/json");
		if (this.apiKey != null) {
			builder.header("Authorization", "Bearer " + this.apiKey);
		}
		return builder;
	}

	private static Answer send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Answer(response.statusCode(), response.headers(), response.body());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** An answer: status, headers and the body as text and as JSON. */
	public record Answer(int status, HttpHeaders headers, String text) {

		/** The body as a JSON object. */
		@SuppressWarnings("unchecked")
		public Map<String, Object> json() {
			return JSON.readValue(this.text, Map.class);
		}

		/** The body as a JSON array. */
		@SuppressWarnings("unchecked")
		public List<Object> list() {
			return JSON.readValue(this.text, List.class);
		}

		/** A header, or {@code null}. */
		public @Nullable String header(String name) {
			return this.headers.firstValue(name).orElse(null);
		}

		/** The {@code detail} of an error body. */
		public Object detail() {
			return json().get("detail");
		}

		/** The first item of a 422 {@code detail} list. */
		@SuppressWarnings("unchecked")
		public Map<String, Object> firstError() {
			return ((List<Map<String, Object>>) detail()).get(0);
		}

	}

}
