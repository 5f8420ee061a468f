package tech.onceonly.client.remote;

import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.OnceOnlyException;
import tech.onceonly.client.OnceOnlyTimeoutException;
import tech.onceonly.client.OnceOnlyTransportException;

/**
 * Sends one logical API call: builds the URI and headers, bounds each attempt by the
 * timeout, retries 429, 500, 502, 503, 504 and transport errors with {@link RetryDelays}
 * (never blocking a thread), and keeps one {@code X-Request-Id} across the attempts.
 * <p>
 * A POST also carries {@value #RETRY_TOKEN_HEADER}: a random token made for this call
 * alone and sent unchanged on each of its attempts, never taken from the caller. A server
 * that replays (like {@code onceonly-server}) answers a retry with the first attempt's
 * answer, marked {@code X-OnceOnly-Replayed: true}. When an earlier attempt may have
 * reached the server (a timeout or lost connection after the request could have been
 * sent, or a 5xx) and the last answer is not such a replay, the answer is marked with
 * that failure ({@link RemoteResponse#uncertainAttempt()}): the callers whose answer
 * could then be their own earlier attempt seen from outside (a duplicate check-lock, a
 * lease held by someone else, a dedup tool call) report that failure instead.
 */
final class RemoteHttp {

	private static final byte[] EMPTY = new byte[0];

	/** The request header carrying the retry token of a POST call. */
	static final String RETRY_TOKEN_HEADER = "X-OnceOnly-Retry-Token";

	private final RemoteOnceOnlySettings settings;

	private final WebClient webClient;

	private final JsonMapper jsonMapper;

	private final ResponseParser parser;

	private final RetryDelays delays;

	/** The {@code Authorization} value, made once rather than per call. */
	private final String authorization;

	RemoteHttp(RemoteOnceOnlySettings settings, WebClient webClient, JsonMapper jsonMapper, RetryDelays delays) {
		this.settings = settings;
		this.authorization = "Bearer " + settings.apiKey();
		this.webClient = webClient;
		this.jsonMapper = jsonMapper;
		this.parser = new ResponseParser(jsonMapper);
		this.delays = delays;
	}

	ResponseParser parser() {
		return this.parser;
	}

	/** Calls the endpoint and parses its answer with the generic parser. */
	Mono<Map<String, Object>> call(HttpMethod method, String path, @Nullable Map<String, ?> body) {
		return exchange(method, path, body, null).map(this.parser::parse);
	}

	/**
	 * Calls the endpoint, retrying as configured, and gives the last answer (a retryable
	 * status included once the retries are used up).
	 * @param path the encoded path and query, relative to the base URL
	 * @param requestId the {@code X-Request-Id} of the call, or {@code null} to generate
	 * one
	 */
	Mono<RemoteResponse> exchange(HttpMethod method, String path, @Nullable Map<String, ?> body,
			@Nullable String requestId) {
		return Mono.defer(() -> {
			byte[] bytes = (body != null) ? this.jsonMapper.writeValueAsBytes(body) : null;
			String id = (requestId != null && !requestId.isBlank()) ? requestId : UUID.randomUUID().toString();
			String token = (method == HttpMethod.POST) ? UUID.randomUUID().toString() : null;
			URI uri = URI.create(this.settings.baseUrl() + path);
			return attempt(new Call(method, uri, path, bytes, id, token), 0, null);
		});
	}

	private Mono<RemoteResponse> attempt(Call call, int n, @Nullable Throwable uncertain) {
		Mono<RemoteResponse> sent = send(call);
		if (n >= this.settings.maxRetries()) {
			return (uncertain != null) ? sent.map((response) -> settle(response, uncertain)) : sent;
		}
		return sent.cast(Object.class)
			.onErrorResume(OnceOnlyTransportException.class, Mono::just)
			.flatMap((outcome) -> {
				if (outcome instanceof RemoteResponse response) {
					if (!retryable(response.status())) {
						return Mono.just((uncertain != null) ? settle(response, uncertain) : response);
					}
					Throwable next = (response.status() >= 500) ? this.parser.error(response) : uncertain;
					Duration wait = this.delays.afterResponse(n, response.header("Retry-After"));
					return Mono.delay(wait).then(attempt(call, n + 1, next));
				}
				Throwable failure = (Throwable) outcome;
				Throwable next = mayHaveBeenSent(failure) ? failure : uncertain;
				return Mono.delay(this.delays.backoff(n)).then(attempt(call, n + 1, next));
			});
	}

	/**
	 * The last answer of a call after an uncertain attempt: a replay is the first
	 * attempt's own answer; anything else is marked.
	 */
	private static RemoteResponse settle(RemoteResponse response, Throwable uncertain) {
		return response.replayed() ? response : response.afterUncertainAttempt(uncertain);
	}

	/**
	 * Whether a transport failure may have happened after the request reached the server:
	 * every failure but a refused or timed-out connection (Reactor Netty's connect
	 * failures, {@code ConnectTimeoutException} included, are {@code ConnectException}s).
	 */
	static boolean mayHaveBeenSent(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof java.net.ConnectException || cause instanceof HttpConnectTimeoutException
					|| cause instanceof java.net.UnknownHostException) {
				return false;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return true;
	}

	private Mono<RemoteResponse> send(Call call) {
		HttpMethod method = call.method();
		String path = call.path();
		byte[] body = call.body();
		WebClient.RequestBodySpec spec = this.webClient.method(method).uri(call.uri()).headers((headers) -> {
			headers.set(HttpHeaders.AUTHORIZATION, this.authorization);
			headers.setContentType(MediaType.APPLICATION_JSON);
			headers.set(HttpHeaders.USER_AGENT, this.settings.userAgent());
			headers.set("X-Request-Id", call.requestId());
			if (call.retryToken() != null) {
				headers.set(RETRY_TOKEN_HEADER, call.retryToken());
			}
		});
		WebClient.RequestHeadersSpec<?> request = (body != null) ? spec.bodyValue(body) : spec;
		Duration timeout = this.settings.timeout();
		return request
			.exchangeToMono((response) -> response.bodyToMono(byte[].class)
				.defaultIfEmpty(EMPTY)
				.map((bytes) -> new RemoteResponse(response.statusCode().value(), response.headers().asHttpHeaders(),
						bytes)))
			// the Publisher form: timeout(Duration) names the operator chain on every
			// subscription (a Scannable walk with streams, a visible share of each call)
			.timeout(Mono.delay(timeout))
			.onErrorMap((ex) -> !(ex instanceof OnceOnlyException), (ex) -> transportError(method, path, timeout, ex));
	}

	/** One logical call: what every attempt sends. */
	private record Call(HttpMethod method, URI uri, String path, byte @Nullable [] body, String requestId,
			@Nullable String retryToken) {

	}

	private static boolean retryable(int status) {
		return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
	}

	/**
	 * A transport failure as {@link OnceOnlyTimeoutException} or
	 * {@link OnceOnlyTransportException}.
	 */
	static OnceOnlyTransportException transportError(HttpMethod method, String path, Duration timeout, Throwable ex) {
		String endpoint = method.name() + " " + stripQuery(path);
		if (isTimeout(ex)) {
			return new OnceOnlyTimeoutException(
					"OnceOnly API did not answer " + endpoint + " within " + timeout.toMillis() + " ms", ex);
		}
		return new OnceOnlyTransportException("OnceOnly API request " + endpoint + " failed: " + describe(ex), ex);
	}

	/**
	 * Whether a failure is a timeout on either transport: the attempt's own bound, the
	 * JDK's request and connect timeouts, or Reactor Netty's response and connect
	 * timeouts (matched by class name, so Netty need not be present).
	 */
	private static boolean isTimeout(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof TimeoutException || cause instanceof SocketTimeoutException
					|| cause instanceof HttpTimeoutException || isNettyTimeout(cause)) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	private static boolean isNettyTimeout(Throwable ex) {
		for (Class<?> type = ex.getClass(); type != null; type = type.getSuperclass()) {
			String name = type.getName();
			if (name.equals("io.netty.handler.timeout.TimeoutException")
					|| name.equals("io.netty.channel.ConnectTimeoutException")) {
				return true;
			}
		}
		return false;
	}

	private static String describe(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return root.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	private static String stripQuery(String path) {
		int query = path.indexOf('?');
		return (query >= 0) ? path.substring(0, query) : path;
	}

}
