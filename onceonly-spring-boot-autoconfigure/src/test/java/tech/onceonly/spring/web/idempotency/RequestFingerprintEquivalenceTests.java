package tech.onceonly.spring.web.idempotency;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streaming fingerprint gives byte for byte the fingerprint of the implementation it
 * replaced (a Jackson tree read into maps and written back with sorted keys), kept here
 * as the oracle, for every body: random JSON documents with numbers of every form,
 * unicode escapes, repeated keys, nested arrays and whitespace, and invalid ones.
 */
class RequestFingerprintEquivalenceTests {

	private static final String[] CONTENT_TYPES = { "application/json", "application/json;charset=UTF-8",
			"APPLICATION/JSON", "application/vnd.api+json", "application/problem+json", "text/plain",
			"application/json;x", "not a type", null };

	@Test
	void fixedEdgeCasesShouldFingerprintAsBefore() {
		String[] bodies = { "{}", "[]", "null", "true", "0", "-0", "-0.0", "0.000", "1.50", "1e2", "1E+2", "1.0e-2",
				"-1.25E3", "123456789012345678901234567890", "9223372036854775807", "9223372036854775808",
				"-2147483649", "2147483647", "1e400", "1e-400", "1e10000", "1e-10000", "100e2147483647",
				"12345678901234567890.123456789e-20", "\"\"", "\"a\\u00e9\\ud83d\\ude00\\n\\t\\\"\\\\/\"",
				"\"\u00e9\u4e2d\ud83d\ude00\"", "{\"b\":1,\"a\":2}", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1},\"a\":[1]}",
				"{\"a\":1,\"b\":2,\"a\":3}", "[[[[]]],[{}],{\"z\":[1,{\"y\":2,\"x\":1}]}]", "{\"\":1,\" \":2}",
				"{\"\\u0041\":1,\"A\":2}", "{\"\u00e9\":1,\"e\":2,\"\ud83d\ude00\":3,\"\uffff\":4}", " {\"a\" : 1 } ",
				"{} ", "{} x", "{}{}", "[1,]", "{\"a\":1,}", "{oops", "{\"a\"", "{\"a\":", "[1", "[", "\"open", "01",
				"+1", ".5", "1.", "NaN", "Infinity", "'a'", "{a:1}", "/* c */ {}", "\ufeff{}", " ", "\n\t", "nul",
				"[null,true,false,1.0,\"x\"]", "{\"a\":\"\\u0000\\u001f\\u007f\"}", "\"\\ud800\"",
				"{\"k\":1e2147483647}" };
		for (String body : bodies) {
			for (String type : CONTENT_TYPES) {
				assertSame(body.getBytes(StandardCharsets.UTF_8), type);
			}
		}
	}

	@Test
	void nonUtf8AndBinaryBodiesShouldFingerprintAsBefore() {
		assertSame("{\"a\":1}".getBytes(StandardCharsets.UTF_16BE), "application/json");
		assertSame("{\"a\":1}".getBytes(StandardCharsets.UTF_16LE), "application/json");
		assertSame(new byte[] { '{', '"', (byte) 0xC3, '"', ':', '1', '}' }, "application/json");
		assertSame(new byte[] { (byte) 0xFF, (byte) 0xFE, 0 }, "application/json");
		assertSame(new byte[0], "application/json");
		assertSame(new byte[0], null);
	}

	@Test
	void randomDocumentsShouldFingerprintAsBefore() {
		Random random = new Random(16);
		for (int i = 0; i < 3000; i++) {
			String document = new Documents(random).value(0);
			byte[] body = document.getBytes(StandardCharsets.UTF_8);
			assertSame(body, "application/json");
			assertSame(mutate(random, body), "application/json");
		}
	}

	@Test
	void deepDocumentsShouldFingerprintAsBefore() {
		for (int depth : new int[] { 50, 499, 500, 501, 999, 1000, 1001, 2000 }) {
			String open = "[".repeat(depth);
			String close = "]".repeat(depth);
			assertSame((open + close).getBytes(StandardCharsets.UTF_8), "application/json");
			assertSame(("{\"a\":".repeat(depth) + "1" + "}".repeat(depth)).getBytes(StandardCharsets.UTF_8),
					"application/json");
		}
	}

	@Test
	void queriesShouldFingerprintAsBefore() {
		String[] queries = { null, "", "a=1", "b=2&a=1&a=0", "x", "note=a%20b&x", "%zz=1", "&&a=&", "a=%E2%82%AC" };
		for (String query : queries) {
			byte[] body = "{\"b\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8);
			assertThat(RequestFingerprint.of("POST", "/p", query, "application/json", body))
				.isEqualTo(Legacy.of("POST", "/p", query, "application/json", body));
		}
	}

	private static void assertSame(byte[] body, @Nullable String contentType) {
		String expected;
		try {
			expected = Legacy.of("POST", "/orders", null, contentType, body);
		}
		catch (ArithmeticException ex) {
			// the old implementation failed the request on a decimal whose exponent
			// overflows once its zeros are stripped; such a body is now compared as bytes
			assertThat(RequestFingerprint.of("POST", "/orders", null, contentType, body))
				.isEqualTo(Legacy.raw("POST", "/orders", null, body));
			return;
		}
		assertThat(RequestFingerprint.of("POST", "/orders", null, contentType, body))
			.as("body %s as %s", new String(body, StandardCharsets.UTF_8), contentType)
			.isEqualTo(expected);
	}

	private static byte[] mutate(Random random, byte[] body) {
		byte[] copy = body.clone();
		switch (random.nextInt(4)) {
			case 0 -> {
				return java.util.Arrays.copyOf(copy, random.nextInt(copy.length + 1));
			}
			case 1 -> {
				if (copy.length > 0) {
					String noise = "{}[],:\"\\ 0a-.eE";
					copy[random.nextInt(copy.length)] = (byte) noise.charAt(random.nextInt(noise.length()));
				}
				return copy;
			}
			case 2 -> {
				byte[] longer = java.util.Arrays.copyOf(copy, copy.length + 2);
				longer[copy.length] = ' ';
				longer[copy.length + 1] = (byte) "1}]x\"".charAt(random.nextInt(5));
				return longer;
			}
			default -> {
				return copy;
			}
		}
	}

	/** Random JSON text, written with random whitespace. */
	private static final class Documents {

		private static final String[] KEYS = { "a", "b", "c", "amount", "currency", "id", "A", "Z", "", " ", "é",
				"\u00e9", "\\u00e9", "e\\u0301", "😀", "\\ud83d\\ude00", "\\n", "a\\\"b", "\\/", "k1", "k10", "k2" };

		private final Random random;

		Documents(Random random) {
			this.random = random;
		}

		String value(int depth) {
			int kind = this.random.nextInt((depth > 6) ? 6 : 8);
			return switch (kind) {
				case 0 -> number();
				case 1 -> string();
				case 2 -> new String[] { "true", "false", "null" }[this.random.nextInt(3)];
				case 3 -> number();
				case 4 -> string();
				case 5 -> "null";
				case 6 -> object(depth);
				default -> array(depth);
			};
		}

		private String object(int depth) {
			int size = this.random.nextInt(5);
			boolean sorted = this.random.nextBoolean();
			List<String> keys = new ArrayList<>();
			for (int i = 0; i < size; i++) {
				keys.add(KEYS[this.random.nextInt(KEYS.length)]);
			}
			if (sorted) {
				keys.sort(Comparator.naturalOrder());
				keys = new ArrayList<>(new java.util.LinkedHashSet<>(keys));
			}
			StringBuilder text = new StringBuilder("{").append(space());
			for (int i = 0; i < keys.size(); i++) {
				if (i > 0) {
					text.append(',').append(space());
				}
				text.append('"').append(keys.get(i)).append('"').append(space()).append(':').append(space());
				text.append(value(depth + 1)).append(space());
			}
			return text.append('}').toString();
		}

		private String array(int depth) {
			int size = this.random.nextInt(5);
			StringBuilder text = new StringBuilder("[").append(space());
			for (int i = 0; i < size; i++) {
				if (i > 0) {
					text.append(',').append(space());
				}
				text.append(value(depth + 1)).append(space());
			}
			return text.append(']').toString();
		}

		private String number() {
			String sign = this.random.nextInt(4) == 0 ? "-" : "";
			String digits = switch (this.random.nextInt(6)) {
				case 0 -> "0";
				case 1 -> Integer.toString(this.random.nextInt(1000));
				case 2 -> Long.toString(Math.abs(this.random.nextLong()));
				case 3 ->
					new BigDecimal(Math.abs(this.random.nextLong())).multiply(BigDecimal.TEN.pow(20)).toPlainString();
				case 4 -> Integer.toString(1 + this.random.nextInt(9)) + "0".repeat(this.random.nextInt(25));
				default -> Integer.toString(Integer.MAX_VALUE);
			};
			String fraction = switch (this.random.nextInt(4)) {
				case 0 -> "";
				case 1 -> "." + "0".repeat(1 + this.random.nextInt(3));
				case 2 -> "." + this.random.nextInt(1000) + "0".repeat(this.random.nextInt(3));
				default -> "." + "0".repeat(this.random.nextInt(4)) + (1 + this.random.nextInt(9));
			};
			String exponent = switch (this.random.nextInt(5)) {
				case 0 -> "e" + this.random.nextInt(30);
				case 1 -> "E-" + this.random.nextInt(30);
				case 2 -> "e+" + this.random.nextInt(3);
				default -> "";
			};
			return sign + digits + fraction + exponent;
		}

		private String string() {
			StringBuilder text = new StringBuilder("\"");
			int length = this.random.nextInt(8);
			for (int i = 0; i < length; i++) {
				switch (this.random.nextInt(9)) {
					case 0 -> text.append("\\u").append(String.format("%04x", this.random.nextInt(0x10000)));
					case 1 -> text.append("\\ud83d\\ude00");
					case 2 -> text
						.append(new String[] { "\\n", "\\t", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\r" }[this.random
							.nextInt(8)]);
					case 3 -> text.append("é中😀");
					case 4 -> text.append((char) (0x7f + this.random.nextInt(0x80)));
					case 5 -> text.append('<').append('/').append('>');
					default -> text.append((char) ('a' + this.random.nextInt(26)));
				}
			}
			return text.append('"').toString();
		}

		private String space() {
			return switch (this.random.nextInt(6)) {
				case 0 -> " ";
				case 1 -> "\n\t ";
				case 2 -> "\r\n";
				default -> "";
			};
		}

	}

	/** The fingerprint as it was computed before the streaming canonicaliser. */
	private static final class Legacy {

		private static final JsonMapper JSON = JsonMapper.builder()
			.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
			.enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
			.build();

		static String of(String method, String path, @Nullable String rawQuery, @Nullable String contentType,
				byte[] body) {
			MessageDigest digest = head(method, path, rawQuery);
			byte[] canonical = isJson(contentType) ? canonicalJson(body) : null;
			if (canonical != null) {
				digest.update((byte) 'j');
				digest.update(canonical);
			}
			else {
				digest.update((byte) 'r');
				digest.update(body);
			}
			return HexFormat.of().formatHex(digest.digest());
		}

		static String raw(String method, String path, @Nullable String rawQuery, byte[] body) {
			MessageDigest digest = head(method, path, rawQuery);
			digest.update((byte) 'r');
			digest.update(body);
			return HexFormat.of().formatHex(digest.digest());
		}

		private static MessageDigest head(String method, String path, @Nullable String rawQuery) {
			MessageDigest digest;
			try {
				digest = MessageDigest.getInstance("SHA-256");
			}
			catch (java.security.NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
			digest.update(method.getBytes(StandardCharsets.UTF_8));
			digest.update((byte) '\n');
			digest.update(path.getBytes(StandardCharsets.UTF_8));
			String query = canonicalQuery(rawQuery);
			if (!query.isEmpty()) {
				digest.update((byte) '?');
				digest.update(query.getBytes(StandardCharsets.UTF_8));
			}
			digest.update((byte) '\n');
			return digest;
		}

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
				return part;
			}
		}

		private static boolean isJson(@Nullable String contentType) {
			if (contentType == null) {
				return false;
			}
			try {
				MediaType type = MediaType.parseMediaType(contentType);
				return MediaType.APPLICATION_JSON.isCompatibleWith(type) || type.getSubtype().endsWith("+json");
			}
			catch (RuntimeException ex) {
				return false;
			}
		}

		private static byte @Nullable [] canonicalJson(byte[] body) {
			if (body.length == 0) {
				return null;
			}
			try {
				Object tree = JSON.readValue(body, Object.class);
				return JSON.writeValueAsBytes(canonical(tree));
			}
			catch (JacksonException ex) {
				return null;
			}
		}

		private static @Nullable Object canonical(@Nullable Object value) {
			if (value instanceof Map<?, ?> map) {
				Map<String, @Nullable Object> sorted = new TreeMap<>();
				map.forEach((k, v) -> sorted.put(String.valueOf(k), canonical(v)));
				return sorted;
			}
			if (value instanceof List<?> list) {
				List<@Nullable Object> items = new ArrayList<>(list.size());
				list.forEach((item) -> items.add(canonical(item)));
				return items;
			}
			if (value instanceof BigDecimal decimal) {
				return (decimal.signum() == 0) ? BigDecimal.ZERO : decimal.stripTrailingZeros();
			}
			return value;
		}

	}

}
