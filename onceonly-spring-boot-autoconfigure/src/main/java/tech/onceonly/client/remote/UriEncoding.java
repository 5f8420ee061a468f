package tech.onceonly.client.remote;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Percent-encoding of path segments and query values as JavaScript's
 * {@code encodeURIComponent} does: everything but {@code A–Z a–z 0–9 - _ . ! ~ * ' ( )}
 * is encoded from its UTF-8 bytes, so {@code run x/y} becomes {@code run%20x%2Fy} and
 * {@code :} becomes {@code %3A}.
 */
final class UriEncoding {

	private static final char[] HEX = "0123456789ABCDEF".toCharArray();

	private UriEncoding() {
	}

	/** One fully encoded path segment or query value. */
	static String component(String value) {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		StringBuilder out = new StringBuilder(bytes.length + 8);
		for (byte b : bytes) {
			int c = b & 0xFF;
			if (unreserved(c)) {
				out.append((char) c);
			}
			else {
				out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
			}
		}
		return out.toString();
	}

	/**
	 * A path from literal parts and encoded segments:
	 * {@code path("/tools/", name, "/toggle")}.
	 */
	static String path(String... parts) {
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < parts.length; i++) {
			out.append((i % 2 == 0) ? parts[i] : component(parts[i]));
		}
		return out.toString();
	}

	/** A query string ({@code ?a=1&b=2}) in the map's order, or "" for no parameters. */
	static String query(Map<String, String> params) {
		if (params.isEmpty()) {
			return "";
		}
		StringBuilder out = new StringBuilder();
		params.forEach((name, value) -> out.append(out.isEmpty() ? '?' : '&')
			.append(component(name))
			.append('=')
			.append(component(value)));
		return out.toString();
	}

	private static boolean unreserved(int c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
				|| c == '.' || c == '!' || c == '~' || c == '*' || c == '\'' || c == '(' || c == ')';
	}

}
