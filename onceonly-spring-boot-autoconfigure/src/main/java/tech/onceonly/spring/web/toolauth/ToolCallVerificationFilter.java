package tech.onceonly.spring.web.toolauth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import tech.onceonly.signing.ToolSignatures;
import tech.onceonly.spring.web.CachedBodyRequestWrapper;

/**
 * A servlet filter that lets through only genuine signed calls from OnceOnly (see
 * {@link ToolCallVerifier}) and answers anything else with {@code 401} and an RFC 9457
 * problem body saying what was wrong (missing, tampered or stale). The body is read once,
 * verified, and replayed, so the handler reads it as usual. Register it for the tool
 * paths only, e.g. with a {@code FilterRegistrationBean} and URL patterns, or give it a
 * request predicate. <pre>{@code
 * &#64;Bean
 * FilterRegistrationBean<ToolCallVerificationFilter> toolAuth(@Value("${tools.secret}") String secret) {
 *     var registration = new FilterRegistrationBean<>(new ToolCallVerificationFilter(new ToolCallVerifier(secret)));
 *     registration.addUrlPatterns("/tools/*");
 *     return registration;
 * }
 * }</pre>
 */
public class ToolCallVerificationFilter extends OncePerRequestFilter {

	/** The default largest body accepted: 1 MiB. */
	public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

	private final ToolCallVerifier verifier;

	private final Predicate<HttpServletRequest> applies;

	private final int maxBodyBytes;

	/** A filter that verifies every request it sees. */
	public ToolCallVerificationFilter(ToolCallVerifier verifier) {
		this(verifier, (request) -> true, DEFAULT_MAX_BODY_BYTES);
	}

	/**
	 * A filter.
	 * @param verifier the verifier
	 * @param applies which requests to verify (others pass untouched)
	 * @param maxBodyBytes the largest body accepted; larger ones are answered 413
	 */
	public ToolCallVerificationFilter(ToolCallVerifier verifier, Predicate<HttpServletRequest> applies,
			int maxBodyBytes) {
		this.verifier = verifier;
		this.applies = applies;
		this.maxBodyBytes = maxBodyBytes;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !this.applies.test(request);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getContentLengthLong() > this.maxBodyBytes) {
			problem(response, request, 413, "Payload Too Large",
					"request body is larger than " + this.maxBodyBytes + " bytes");
			return;
		}
		CachedBodyRequestWrapper cached = new CachedBodyRequestWrapper(request, this.maxBodyBytes);
		byte[] body;
		try {
			body = cached.cachedBody();
		}
		catch (CachedBodyRequestWrapper.BodyTooLargeException ex) {
			problem(response, request, 413, "Payload Too Large",
					"request body is larger than " + this.maxBodyBytes + " bytes");
			return;
		}
		ToolCallVerifier.Failure failure = this.verifier.verify(body,
				request.getHeader(ToolSignatures.SIGNATURE_HEADER), request.getHeader(ToolSignatures.ALGORITHM_HEADER),
				request.getHeader(ToolSignatures.TIMESTAMP_HEADER));
		if (failure != null) {
			problem(response, request, 401, "Unauthorized", failure.detail());
			return;
		}
		chain.doFilter(cached, response);
	}

	private static void problem(HttpServletResponse response, HttpServletRequest request, int status, String title,
			String detail) throws IOException {
		response.setStatus(status);
		response.setContentType("application/problem+json");
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.getWriter()
			.write("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\""
					+ detail + "\",\"instance\":\"" + escape(request.getRequestURI()) + "\"}");
	}

	private static String escape(String text) {
		StringBuilder out = new StringBuilder(text.length());
		for (char c : text.toCharArray()) {
			if (c == '"' || c == '\\') {
				out.append('\\').append(c);
			}
			else if (c < 0x20) {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

}
