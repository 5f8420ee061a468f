package tech.onceonly.keys;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Canonical JSON of Java values, byte for byte what Python's
 * {@code json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)}
 * writes for the same data.
 * <p>
 * Mapping of Java values:
 * <ul>
 * <li>{@code null} → {@code null}; booleans → {@code true}/{@code false};
 * {@link CharSequence} and {@link Character} → strings (only {@code "}, {@code \} and
 * control characters below U+0020 are escaped, as Python does; everything else, non-ASCII
 * included, is written as it is);</li>
 * <li>{@code byte}, {@code short}, {@code int}, {@code long}, {@link BigInteger} and
 * atomic integers → integers;</li>
 * <li>{@code double} → Python's {@code repr}: {@code 2.0}, {@code 0.1}, {@code 1e+16},
 * {@code 1e-07}, {@code NaN}, {@code Infinity}; {@code float} is first widened through
 * its decimal form (so {@code 0.1f} is {@code 0.1}). The digits come from
 * {@link Double#toString(double)}, which on JDK 17 and 18 is not always the shortest
 * representation (JDK-4511638, fixed in JDK 19), so rare doubles may differ from Python
 * there: do not key on doubles when keys must match across runtimes;</li>
 * <li>{@link BigDecimal} → a JSON string of {@link BigDecimal#toString()}, as Python
 * stringifies a {@code Decimal} (both follow the General Decimal Arithmetic rules, so
 * {@code 1.50} stays {@code "1.50"});</li>
 * <li>{@code byte[]} → a string of lowercase hex;</li>
 * <li>{@link Map} → an object with its keys stringified and sorted by code point;
 * {@link Collection} and arrays → arrays in iteration order;</li>
 * <li>anything else (records, beans, enums, {@code java.time} values, {@code Optional}…)
 * → converted to a JSON tree by the {@link JsonMapper} first, then written canonically; a
 * value the mapper cannot convert becomes the string of its {@code toString()}, as
 * Python's {@code default=str} does.</li>
 * </ul>
 */
public final class CanonicalJson {

	private static final Comparator<String> CODE_POINT_ORDER = CanonicalJson::compareCodePoints;

	private static final HexFormat HEX = HexFormat.of();

	private final JsonMapper json;

	/**
	 * Canonical JSON that converts values of unknown types with {@code json}.
	 * @param json the mapper for records, beans and other non-JSON values
	 */
	public CanonicalJson(JsonMapper json) {
		this.json = Objects.requireNonNull(json, "json");
	}

	/** The mapper that converts values of unknown types. */
	public JsonMapper jsonMapper() {
		return this.json;
	}

	/**
	 * The canonical JSON text of {@code value}.
	 * @param value any value
	 * @return the JSON text
	 */
	public String write(@Nullable Object value) {
		StringBuilder out = new StringBuilder();
		write(value, out, true);
		return out.toString();
	}

	/**
	 * Whether {@code value} is converted through the {@link JsonMapper} rather than
	 * written directly: records, beans and every other type outside the list in the class
	 * description.
	 */
	public static boolean isConverted(@Nullable Object value) {
		return value != null && !(value instanceof CharSequence || value instanceof Character
				|| value instanceof Boolean || value instanceof Number || value instanceof byte[]
				|| value instanceof Map || value instanceof Collection || value.getClass().isArray());
	}

	/**
	 * Converts {@code value} to a JSON tree (maps, lists, strings, numbers, booleans,
	 * {@code null}) with the mapper, or to its {@code toString()} when the mapper cannot
	 * convert it.
	 */
	@Nullable Object toTree(Object value) {
		try {
			return this.json.convertValue(value, Object.class);
		}
		catch (RuntimeException ex) {
			return stringOf(value);
		}
	}

	private void write(@Nullable Object value, StringBuilder out, boolean convert) {
		if (value == null) {
			out.append("null");
		}
		else if (value instanceof CharSequence || value instanceof Character) {
			writeString(value.toString(), out);
		}
		else if (value instanceof Boolean bool) {
			out.append(bool.booleanValue() ? "true" : "false");
		}
		else if (value instanceof Number number) {
			writeNumber(number, out);
		}
		else if (value instanceof byte[] bytes) {
			writeString(HEX.formatHex(bytes), out);
		}
		else if (value instanceof Map<?, ?> map) {
			writeObject(map, out);
		}
		else if (value instanceof Collection<?> collection) {
			writeArray(collection, out);
		}
		else if (value.getClass().isArray()) {
			writeArray(arrayToList(value), out);
		}
		else if (convert) {
			write(toTree(value), out, false);
		}
		else {
			writeString(stringOf(value), out);
		}
	}

	private void writeObject(Map<?, ?> map, StringBuilder out) {
		TreeMap<String, @Nullable Object> sorted = new TreeMap<>(CODE_POINT_ORDER);
		map.forEach((k, v) -> sorted.put(keyOf(k), v));
		out.append('{');
		boolean first = true;
		for (Map.Entry<String, @Nullable Object> entry : sorted.entrySet()) {
			if (!first) {
				out.append(',');
			}
			first = false;
			writeString(entry.getKey(), out);
			out.append(':');
			write(entry.getValue(), out, true);
		}
		out.append('}');
	}

	private void writeArray(Collection<?> values, StringBuilder out) {
		out.append('[');
		boolean first = true;
		for (Object item : values) {
			if (!first) {
				out.append(',');
			}
			first = false;
			write(item, out, true);
		}
		out.append(']');
	}

	private static String keyOf(@Nullable Object key) {
		if (key == null) {
			return "null";
		}
		if (key instanceof Boolean || key instanceof Number) {
			StringBuilder out = new StringBuilder();
			if (key instanceof Number number) {
				writeNumber(number, out);
			}
			else {
				out.append(key);
			}
			return out.toString();
		}
		return key.toString();
	}

	private static List<@Nullable Object> arrayToList(Object array) {
		int length = java.lang.reflect.Array.getLength(array);
		List<@Nullable Object> list = new ArrayList<>(length);
		for (int i = 0; i < length; i++) {
			list.add(java.lang.reflect.Array.get(array, i));
		}
		return list;
	}

	private static void writeNumber(Number number, StringBuilder out) {
		if (number instanceof Integer || number instanceof Long || number instanceof Short || number instanceof Byte
				|| number instanceof BigInteger || number instanceof AtomicInteger || number instanceof AtomicLong) {
			out.append(number.toString());
		}
		else if (number instanceof BigDecimal decimal) {
			writeString(decimal.toString(), out);
		}
		else if (number instanceof Float f) {
			out.append(pythonFloat(Double.parseDouble(Float.toString(f))));
		}
		else {
			out.append(pythonFloat(number.doubleValue()));
		}
	}

	/**
	 * Python's {@code repr(float)}: shortest digits, exponent form below 1e-4 and from
	 * 1e16 on.
	 */
	static String pythonFloat(double value) {
		if (Double.isNaN(value)) {
			return "NaN";
		}
		if (Double.isInfinite(value)) {
			return (value > 0) ? "Infinity" : "-Infinity";
		}
		if (value == 0) {
			return ((1 / value) < 0) ? "-0.0" : "0.0";
		}
		BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
		String digits = decimal.unscaledValue().abs().toString();
		int exponent = digits.length() - 1 - decimal.scale();
		String sign = (value < 0) ? "-" : "";
		if (exponent < -4 || exponent >= 16) {
			String mantissa = (digits.length() == 1) ? digits : digits.charAt(0) + "." + digits.substring(1);
			String exp = String.format("%02d", Math.abs(exponent));
			return sign + mantissa + "e" + ((exponent < 0) ? "-" : "+") + exp;
		}
		String plain = decimal.abs().toPlainString();
		return sign + (plain.contains(".") ? plain : plain + ".0");
	}

	private static void writeString(String value, StringBuilder out) {
		out.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
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

	private static String stringOf(Object value) {
		try {
			return String.valueOf(value);
		}
		catch (RuntimeException ex) {
			return "<unserializable>";
		}
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
