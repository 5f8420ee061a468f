package tech.onceonly.engine.governance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.Internal;
import tech.onceonly.client.ResultObjects;
import tech.onceonly.signing.ToolSignatures;
import tech.onceonly.store.ToolRecord;

/**
 * Calls registered HTTP tools: a JSON {@code POST} signed as {@link ToolSignatures}
 * describes, each attempt bounded by the tool's {@code timeout_ms}, retried up to
 * {@code max_retries} times after a transport error, a timeout, a 429 or a 5xx (never
 * after another 4xx), with a linear back-off. The secret is used only to sign and is
 * never logged or put into an exception.
 */
@Internal
public final class HttpToolInvoker {

	private final @Nullable HttpClient given;

	private volatile @Nullable HttpClient http;

	private final JsonMapper json;

	private final Supplier<Instant> clock;

	private final Duration retryBackoff;

	/**
	 * An invoker.
	 * @param http the HTTP client, or {@code null} for a {@link #defaultClient()} created
	 * at the first call
	 * @param json the mapper for bodies
	 * @param clock the time for {@value ToolSignatures#TIMESTAMP_HEADER}
	 * @param retryBackoff the pause before retry n is n times this
	 */
	public HttpToolInvoker(@Nullable HttpClient http, JsonMapper json, Supplier<Instant> clock, Duration retryBackoff) {
		this.given = http;
		this.json = json;
		this.clock = clock;
		this.retryBackoff = retryBackoff;
	}

	/** A default HTTP client (HTTP/1.1, 5 s connect timeout, no redirects). */
	public static HttpClient defaultClient() {
		return HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	/**
	 * Posts {@code envelope} to the tool and returns its answer as a JSON object.
	 * @throws ToolExecutionException when every attempt failed
	 */
	public @Nullable Map<String, Object> invoke(ToolRecord tool, Map<String, Object> envelope) {
		byte[] body = this.json.writeValueAsBytes(envelope);
		String failure = "no attempt made";
		Exception cause = null;
		for (int attempt = 0; attempt <= tool.maxRetries(); attempt++) {
			if (attempt > 0) {
				pause(attempt);
			}
			HttpRequest request = HttpRequest.newBuilder(URI.create(tool.url()))
				.timeout(Duration.ofMillis(tool.timeoutMs()))
				.header("Content-Type", "application/json")
				.header("Accept", "application/json")
				.header(ToolSignatures.SIGNATURE_HEADER, ToolSignatures.sign(body, tool.secret()))
				.header(ToolSignatures.ALGORITHM_HEADER, ToolSignatures.ALGORITHM)
				.header(ToolSignatures.TIMESTAMP_HEADER, Long.toString(this.clock.get().getEpochSecond()))
				.POST(HttpRequest.BodyPublishers.ofByteArray(body))
				.build();
			try {
				HttpResponse<byte[]> response = client().send(request, HttpResponse.BodyHandlers.ofByteArray());
				int status = response.statusCode();
				if (status >= 200 && status < 300) {
					return parse(tool, response.body());
				}
				failure = "tool '" + tool.name() + "' answered HTTP " + status;
				cause = null;
				if (status != 429 && status < 500) {
					break;
				}
			}
			catch (IOException ex) {
				failure = "tool '" + tool.name() + "' could not be reached: " + ex.getClass().getSimpleName();
				cause = ex;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new ToolExecutionException("interrupted while calling tool '" + tool.name() + "'", ex);
			}
		}
		throw (cause != null) ? new ToolExecutionException(failure, cause) : new ToolExecutionException(failure);
	}

	private HttpClient client() {
		HttpClient client = this.http;
		if (client == null) {
			synchronized (this) {
				client = this.http;
				if (client == null) {
					client = (this.given != null) ? this.given : defaultClient();
					this.http = client;
				}
			}
		}
		return client;
	}

	private @Nullable Map<String, Object> parse(ToolRecord tool, byte[] body) {
		if (body.length == 0) {
			return null;
		}
		try {
			return ResultObjects.toResultObject(this.json.readValue(body, Object.class), this.json);
		}
		catch (JacksonException ex) {
			throw new ToolExecutionException("tool '" + tool.name() + "' answered with a body that is not JSON");
		}
	}

	private void pause(int attempt) {
		long millis = this.retryBackoff.toMillis() * attempt;
		if (millis <= 0) {
			return;
		}
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ToolExecutionException("interrupted while waiting to retry a tool call", ex);
		}
	}

}
