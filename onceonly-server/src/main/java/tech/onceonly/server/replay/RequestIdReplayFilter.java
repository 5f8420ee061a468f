package tech.onceonly.server.replay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

import tech.onceonly.server.auth.Caller;
import tech.onceonly.server.web.ErrorBodies;
import tech.onceonly.spring.web.CachedBodyRequestWrapper;

/**
 * Replays the first answer to a retry of the same request, for clients that ask for it.
 * <p>
 * A client that wants its retries to be safe sends {@value #RETRY_TOKEN_HEADER}: a random
 * token it creates for one logical call and sends unchanged on every attempt of that call
 * (the Java client does). A POST carrying a token the server has already answered, for
 * the same tenant, path and body, gets that first answer (status, headers, body) with
 * {@value #REPLAYED_HEADER}{@code : true}, for the window; a retry while the first is
 * still in flight waits for it (503 {@code request_in_progress} with {@code Retry-After}
 * if it waits too long); a first answer with a 5xx status is not kept, so its retry runs
 * again. A first answer that was kept carries {@value #REPLAY_HEADER}{@code : stored},
 * which tells the client this server replays.
 * <p>
 * Nothing else is ever replayed: {@code X-Request-Id} is an opaque id the server only
 * echoes, so an SDK caller who reuses one (as a trace id, say) gets the answer the hosted
 * API gives, never a replayed {@code locked}; a token repeated with another body is not a
 * retry and runs as a new request.
 */
public final class RequestIdReplayFilter extends OncePerRequestFilter {

	/**
	 * The request header carrying a client's retry token: one random value per logical
	 * call, the same on each of its attempts.
	 */
	public static final String RETRY_TOKEN_HEADER = "X-OnceOnly-Retry-Token";

	/** Added to replayed answers. */
	public static final String REPLAYED_HEADER = "X-OnceOnly-Replayed";

	/**
	 * Added, with the value {@code stored}, to a first answer kept for retries of its
	 * token.
	 */
	public static final String REPLAY_HEADER = "X-OnceOnly-Replay";

	private static final int MAX_ID_LENGTH = 200;

	private static final Set<String> UNSTORED_HEADERS = Set.of("content-length", "transfer-encoding", "date",
			"connection", "keep-alive", "content-type");

	private final ReplayCache cache;

	private final int maxBodyBytes;

	private final Duration inFlightWait;

	private final ErrorBodies errors;

	private final long maxRequestBodyBytes;

	/**
	 * A filter reading request bodies of at most 1MB (larger ones are answered 413).
	 * @param cache where first answers are kept
	 * @param maxBodyBytes larger answers are not kept
	 * @param inFlightWait how long a repeat waits for the first request
	 * @param errors writes error answers
	 */
	public RequestIdReplayFilter(ReplayCache cache, int maxBodyBytes, Duration inFlightWait, ErrorBodies errors) {
		this(cache, maxBodyBytes, inFlightWait, errors, 1024 * 1024);
	}

	/**
	 * A filter.
	 * @param cache where first answers are kept
	 * @param maxBodyBytes larger answers are not kept
	 * @param inFlightWait how long a repeat waits for the first request
	 * @param errors writes error answers
	 * @param maxRequestBodyBytes the largest request body read; larger ones are answered
	 * 413
	 */
	public RequestIdReplayFilter(ReplayCache cache, int maxBodyBytes, Duration inFlightWait, ErrorBodies errors,
			long maxRequestBodyBytes) {
		this.cache = cache;
		this.maxBodyBytes = maxBodyBytes;
		this.inFlightWait = inFlightWait;
		this.errors = errors;
		this.maxRequestBodyBytes = maxRequestBodyBytes;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String id = request.getHeader(RETRY_TOKEN_HEADER);
		return !"POST".equals(request.getMethod()) || id == null || id.isBlank() || id.length() > MAX_ID_LENGTH
				|| !(request.getAttribute(Caller.ATTRIBUTE) instanceof Caller);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Caller caller = (Caller) request.getAttribute(Caller.ATTRIBUTE);
		CachedBodyRequestWrapper cached = new CachedBodyRequestWrapper(request, this.maxRequestBodyBytes);
		byte[] body;
		try {
			body = cached.cachedBody();
		}
		catch (CachedBodyRequestWrapper.BodyTooLargeException ex) {
			response.setHeader("Connection", "close");
			this.errors.write(response, 413,
					Map.of("detail", "Request body too large: the limit is " + this.maxRequestBodyBytes + " bytes"));
			return;
		}
		String id = caller.tenant() + "\n" + request.getRequestURI() + "\n" + request.getHeader(RETRY_TOKEN_HEADER);
		byte[] digest = sha256(body);
		for (int attempt = 0; attempt < 3; attempt++) {
			ReplayCache.Claim claim = this.cache.claim(id, digest);
			switch (claim.kind()) {
				case MISMATCH -> {
					chain.doFilter(cached, response);
					return;
				}
				case FIRST -> {
					runFirst(cached, response, chain, claim.ticket());
					return;
				}
				case REPEAT -> {
					StoredAnswer answer = await(claim.answer());
					if (answer == Waiting.TIMED_OUT) {
						response.setHeader("Retry-After", "1");
						this.errors
							.write(response, 503, Map.of("detail", Map.of("error", "request_in_progress", "message",
									"The first attempt with this X-OnceOnly-Retry-Token is still being processed")));
						return;
					}
					if (answer != null) {
						replay(answer, response);
						return;
					}
				}
			}
		}
		chain.doFilter(cached, response);
	}

	private void runFirst(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
			ReplayCache.@Nullable Ticket ticket) throws ServletException, IOException {
		ContentCachingResponseWrapper wrapper = new ContentCachingResponseWrapper(response);
		boolean kept = false;
		try {
			chain.doFilter(request, wrapper);
			int status = wrapper.getStatus();
			byte[] answerBody = wrapper.getContentAsByteArray();
			if (ticket != null && status < 500 && answerBody.length <= this.maxBodyBytes) {
				List<Map.Entry<String, String>> headers = new ArrayList<>();
				for (String name : wrapper.getHeaderNames()) {
					if (!UNSTORED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
						for (String value : wrapper.getHeaders(name)) {
							headers.add(Map.entry(name, value));
						}
					}
				}
				ticket.complete(new StoredAnswer(status, headers, wrapper.getContentType(), answerBody));
				kept = true;
				wrapper.setHeader(REPLAY_HEADER, "stored");
			}
		}
		finally {
			if (!kept && ticket != null) {
				ticket.abandon();
			}
			wrapper.copyBodyToResponse();
		}
	}

	private @Nullable StoredAnswer await(@Nullable CompletableFuture<@Nullable StoredAnswer> future) {
		if (future == null) {
			return null;
		}
		try {
			return future.get(this.inFlightWait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			return Waiting.TIMED_OUT;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Waiting.TIMED_OUT;
		}
		catch (ExecutionException ex) {
			return null;
		}
	}

	private static void replay(StoredAnswer answer, HttpServletResponse response) throws IOException {
		response.setStatus(answer.status());
		for (Map.Entry<String, String> header : answer.headers()) {
			response.addHeader(header.getKey(), header.getValue());
		}
		if (answer.contentType() != null) {
			response.setContentType(answer.contentType());
		}
		response.setHeader(REPLAYED_HEADER, "true");
		byte[] body = answer.body();
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

	private static byte[] sha256(byte[] body) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(body);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A marker answer for a repeat that waited too long. */
	private static final class Waiting {

		static final StoredAnswer TIMED_OUT = new StoredAnswer(0, List.of(), null,
				"in flight".getBytes(StandardCharsets.UTF_8));

	}

}
