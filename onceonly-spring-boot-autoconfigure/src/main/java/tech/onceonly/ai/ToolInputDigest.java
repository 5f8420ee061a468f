package tech.onceonly.ai;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * The tool-input digest of the OnceOnly Python SDK's {@code make_idempotent_tool}: the SHA-256 hex digest of the
 * canonical JSON of {@code {"args": [], "kwargs": input}} for an object input and {@code {"args": [input],
 * "kwargs": {}}} otherwise. Canonical JSON is Python's {@code json.dumps(sort_keys=True, separators=(",", ":"),
 * ensure_ascii=False)} of the parsed input: keys sorted by code point, no spaces, non-ASCII unescaped, and numbers
 * with a fraction or exponent written as Python writes a float ({@code 2.0}, {@code 1e-07}, {@code 1e+16}).
 * Handles the values parsed from JSON text (maps, lists, strings, numbers, booleans, null); anything else is
 * written as its string.
 */
public final class ToolInputDigest {

	private static final HexFormat HEX = HexFormat.of();

	private ToolInputDigest() {
	}

	/** The lowercase SHA-256 hex digest of {@link #payload(Object)}. */
	public static String digest(@Nullable Object input) {
		return sha256Hex(payload(input));
	}

	/** The key {@code "<prefix>:<tool>:<digest>"}. */
	public static String key(String prefix, String tool, @Nullable Object input) {
		return prefix + ":" + tool + ":" + digest(input);
	}

	/** The canonical payload that is hashed. */
	public static String payload(@Nullable Object input) {
		Map<String, Object> payload = new LinkedHashMap<>();
		if (input instanceof Map<?, ?> map) {
			payload.put("args", List.of());
			payload.put("kwargs", map);
		}
		else {
			List<@Nullable Object> args = new ArrayList<>(1);
			args.add(input);
			payload.put("args", args);
			payload.put("kwargs", Map.of());
		}
		return canonical(payload);
	}

	/** The canonical JSON text of a parsed JSON value. */
	public static String canonical(@Nullable Object value) {
		StringBuilder out = new StringBuilder();
		write(value, out);
		return out.toString();
	}

	/** The lowercase SHA-256 hex digest of {@code text} encoded as UTF-8. */
	public static String sha256Hex(String text) {
		try {
			return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	private static void write(@Nullable Object value, StringBuilder out) {
		if (value == null) {
			out.append("null");
		}
		else if (value instanceof Boolean bool) {
			out.append(bool ? "true" : "false");
		}
		else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
				|| value instanceof BigInteger) {
			out.append(value);
		}
		else if (value instanceof BigDecimal decimal) {
			out.append(pythonFloat(decimal.doubleValue()));
		}
		else if (value instanceof Double || value instanceof Float) {
			out.append(pythonFloat(new BigDecimal(value.toString()).doubleValue()));
		}
		else if (value instanceof Map<?, ?> map) {
			TreeMap<String, @Nullable Object> sorted = new TreeMap<>(ToolInputDigest::compareCodePoints);
			map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
			out.append('{');
			boolean first = true;
			for (Map.Entry<String, @Nullable Object> entry : sorted.entrySet()) {
				if (!first) {
					out.append(',');
				}
				first = false;
				string(entry.getKey(), out);
				out.append(':');
				write(entry.getValue(), out);
			}
			out.append('}');
		}
		else if (value instanceof Collection<?> list) {
			out.append('[');
			boolean first = true;
			for (Object item : list) {
				if (!first) {
					out.append(',');
				}
				first = false;
				write(item, out);
			}
			out.append(']');
		}
		else {
			string(value.toString(), out);
		}
	}

	private static void string(String text, StringBuilder out) {
		out.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				default -> {
					if (c < 0x20) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

	/** Python's {@code repr} of a float: shortest digits, scientific below 1e-4 and from 1e16. */
	static String pythonFloat(double value) {
		if (Double.isNaN(value)) {
			return "NaN";
		}
		if (Double.isInfinite(value)) {
			return (value > 0) ? "Infinity" : "-Infinity";
		}
		if (value == 0) {
			return (1 / value < 0) ? "-0.0" : "0.0";
		}
		BigDecimal exact = new BigDecimal(Double.toString(value)).stripTrailingZeros();
		String digits = exact.unscaledValue().abs().toString();
		int exponent = digits.length() - exact.scale() - 1;
		String sign = (value < 0) ? "-" : "";
		if (exponent < -4 || exponent >= 16) {
			String mantissa = (digits.length() == 1) ? digits : digits.charAt(0) + "." + digits.substring(1);
			String exp = String.format("%02d", Math.abs(exponent));
			return sign + mantissa + "e" + ((exponent < 0) ? "-" : "+") + exp;
		}
		if (exponent < 0) {
			return sign + "0." + "0".repeat(-exponent - 1) + digits;
		}
		if (digits.length() <= exponent + 1) {
			return sign + digits + "0".repeat(exponent + 1 - digits.length()) + ".0";
		}
		return sign + digits.substring(0, exponent + 1) + "." + digits.substring(exponent + 1);
	}

	private static int compareCodePoints(String a, String b) {
		int i = 0;
		int j = 0;
		while (i < a.length() && j < b.length()) {
			int ca = a.codePointAt(i);
			int cb = b.codePointAt(j);
			if (ca != cb) {
				return Integer.compare(ca, cb);
			}
			i += Character.charCount(ca);
			j += Character.charCount(cb);
		}
		return Integer.compare(a.length() - i, b.length() - j);
	}

}
