package tech.onceonly.spring.web.idempotency;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;

import tech.onceonly.Internal;
import tech.onceonly.spring.web.Digests;

/**
 * The fingerprint of a request's payload: SHA-256 over the method, the path, the query
 * string and the body. The query string is made canonical (parameters decoded and sorted
 * by name, the values of one name kept in the order sent, so {@code ?b=2&a=1} matches
 * {@code ?a=1&b=2} but {@code ?amount=5} does not match {@code ?amount=500}); a JSON body
 * is first made canonical (object keys sorted, insignificant whitespace dropped, numbers
 * compared by value), so a retry that re-serialises the same JSON differently still
 * matches. Other bodies are hashed as raw bytes.
 */
@Internal
public final class RequestFingerprint {

	private RequestFingerprint() {
	}

	/**
	 * The fingerprint of a request.
	 * @param method the HTTP method
	 * @param path the request path
	 * @param contentType the body's content type, or {@code null}
	 * @param body the body bytes
	 * @return 64 lowercase hex characters
	 */
	public static String of(String method, String path, @Nullable String contentType, byte[] body) {
		return of(method, path, null, contentType, body);
	}

	/**
	 * The fingerprint of a request with a query string.
	 * @param method the HTTP method
	 * @param path the request path (without the query string)
	 * @param rawQuery the query string as received (without {@code ?}), or {@code null}
	 * @param contentType the body's content type, or {@code null}
	 * @param body the body bytes
	 * @return 64 lowercase hex characters; a request without a query (or with an empty
	 * one) has the fingerprint of {@link #of(String, String, String, byte[])}
	 */
	public static String of(String method, String path, @Nullable String rawQuery, @Nullable String contentType,
			byte[] body) {
		String query = canonicalQuery(rawQuery);
		if (body.length > 0 && isJson(contentType)) {
			// first as the tokens come; again sorted in memory when an object is out of
			// order
			for (int pass = 0; pass < 2; pass++) {
				MessageDigest digest = head(method, path, query);
				digest.update((byte) 'j');
				CanonicalJsonDigest.Result result = CanonicalJsonDigest.write(body, digest, pass == 1);
				if (result == CanonicalJsonDigest.Result.WRITTEN) {
					return Digests.hex(digest.digest());
				}
				if (result == CanonicalJsonDigest.Result.NOT_JSON) {
					break;
				}
			}
		}
		MessageDigest digest = head(method, path, query);
		digest.update((byte) 'r');
		digest.update(body);
		return Digests.hex(digest.digest());
	}

	/** A digest holding the method, the path and the canonical query. */
	private static MessageDigest head(String method, String path, String query) {
		MessageDigest digest = Digests.sha256();
		digest.update(method.getBytes(StandardCharsets.UTF_8));
		digest.update((byte) '\n');
		digest.update(path.getBytes(StandardCharsets.UTF_8));
		if (!query.isEmpty()) {
			// a raw path never holds '?', so this cannot collide with another path
			digest.update((byte) '?');
			digest.update(query.getBytes(StandardCharsets.UTF_8));
		}
		digest.update((byte) '\n');
		return digest;
	}

	/**
	 * The query string in canonical form: parameters decoded, sorted by name (a stable
	 * sort, so repeated names keep their order) and encoded again; {@code ""} for none.
	 */
	static String canonicalQuery(@Nullable String rawQuery) {
		if (rawQuery == null || rawQuery.isEmpty()) {
			return "";
		}
		List<String[]> params = new ArrayList<>();
		for (String pair : rawQuery.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int eq = pair.indexOf('=');
			String name = decode((eq < 0) ? pair : pair.substring(0, eq));
			String value = (eq < 0) ? "" : decode(pair.substring(eq + 1));
			params.add(new String[] { name, value });
		}
		params.sort(Comparator.comparing((String[] param) -> param[0]));
		StringBuilder canonical = new StringBuilder();
		for (String[] param : params) {
			if (!canonical.isEmpty()) {
				canonical.append('&');
			}
			canonical.append(URLEncoder.encode(param[0], StandardCharsets.UTF_8))
				.append('=')
				.append(URLEncoder.encode(param[1], StandardCharsets.UTF_8));
		}
		return canonical.toString();
	}

	private static String decode(String part) {
		try {
			return URLDecoder.decode(part, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			// malformed escapes are compared as sent
			return part;
		}
	}

	private static boolean isJson(@Nullable String contentType) {
		if (contentType == null) {
			return false;
		}
		if (contentType.equalsIgnoreCase(MediaType.APPLICATION_JSON_VALUE)) {
			// the common case, without parsing the media type
			return true;
		}
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return MediaType.APPLICATION_JSON.isCompatibleWith(type) || type.getSubtype().endsWith("+json");
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
