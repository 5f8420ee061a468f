package tech.onceonly.server.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.web.filter.OncePerRequestFilter;

import tech.onceonly.spring.web.CachedBodyRequestWrapper;

/**
 * Guards every {@code /v1} request before it reaches the replay cache and the handlers: a
 * body larger than the configured limit is answered 413 {@code {"detail": …}} without
 * being read past the limit, and a query string that is not valid UTF-8 once
 * percent-decoded, or that contains a NUL character, is answered 422. Bodies within the
 * limit are read once and handed on cached; a body sent as a form
 * ({@code application/x-www-form-urlencoded}, as {@code curl -d} does) is read as JSON
 * like any other.
 */
public final class RequestGuardFilter extends OncePerRequestFilter {

	private final long maxBodyBytes;

	private final ErrorBodies errors;

	/**
	 * A filter.
	 * @param maxBodyBytes the largest accepted request body
	 * @param errors writes error answers
	 */
	public RequestGuardFilter(long maxBodyBytes, ErrorBodies errors) {
		this.maxBodyBytes = maxBodyBytes;
		this.errors = errors;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String problem = queryProblem(request.getQueryString());
		if (problem != null) {
			this.errors.validation(response, List.of(ErrorBodies.item("value_error", List.of("query"), problem, null)));
			return;
		}
		CachedBodyRequestWrapper cached = new CachedBodyRequestWrapper(request, this.maxBodyBytes);
		try {
			cached.cachedBody();
		}
		catch (CachedBodyRequestWrapper.BodyTooLargeException ex) {
			response.setHeader("Connection", "close");
			this.errors.write(response, 413, Map.of("detail", tooLarge(this.maxBodyBytes)));
			return;
		}
		chain.doFilter(isForm(request) ? new JsonBody(cached) : cached, response);
	}

	private static boolean isForm(HttpServletRequest request) {
		String type = request.getContentType();
		return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
	}

	/**
	 * A request whose body is read as JSON although it was sent as a form (as
	 * {@code curl -d} does): the body was read already, so the container's form parsing
	 * would find it empty.
	 */
	private static final class JsonBody extends HttpServletRequestWrapper {

		JsonBody(HttpServletRequest request) {
			super(request);
		}

		@Override
		public String getContentType() {
			return "application/json";
		}

		@Override
		public @Nullable String getHeader(String name) {
			return "Content-Type".equalsIgnoreCase(name) ? getContentType() : super.getHeader(name);
		}

		@Override
		public Enumeration<String> getHeaders(String name) {
			return "Content-Type".equalsIgnoreCase(name) ? Collections.enumeration(List.of(getContentType()))
					: super.getHeaders(name);
		}

	}

	/** The detail of a 413 answer. */
	public static String tooLarge(long maxBodyBytes) {
		return "Request body too large: the limit is " + maxBodyBytes + " bytes";
	}

	/**
	 * Why a raw query string is refused, or {@code null} when it is acceptable.
	 */
	static @Nullable String queryProblem(@Nullable String query) {
		if (query == null || query.isEmpty()) {
			return null;
		}
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(query.length());
		for (int i = 0; i < query.length(); i++) {
			char c = query.charAt(i);
			if (c == '%') {
				int high = (i + 2 < query.length()) ? Character.digit(query.charAt(i + 1), 16) : -1;
				int low = (i + 2 < query.length()) ? Character.digit(query.charAt(i + 2), 16) : -1;
				if (high < 0 || low < 0) {
					return "query string has an invalid percent-encoding: '%' must be followed by two hex digits";
				}
				bytes.write(high * 16 + low);
				i += 2;
			}
			else if (c > 0x7F) {
				byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
				bytes.write(raw, 0, raw.length);
			}
			else {
				bytes.write(c);
			}
		}
		String decoded;
		try {
			decoded = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes.toByteArray()))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return "query string is not valid UTF-8 once percent-decoded";
		}
		if (decoded.indexOf('\0') >= 0) {
			return "query string must not contain NUL characters";
		}
		return null;
	}

}
