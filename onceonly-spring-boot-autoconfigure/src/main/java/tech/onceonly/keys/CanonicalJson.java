package tech.onceonly.keys;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.Internal;

/**
 * Canonical JSON of Java values, byte for byte what Python's
 * {@code json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)}
 * writes for the same data, with the SDK's {@code default=str} for the types JSON does
 * not have.
 * <p>
 * Mapping of Java values:
 * <ul>
 * <li>{@code null} → {@code null}; booleans → {@code true}/{@code false};
 * {@link CharSequence} and {@link Character} → strings (only {@code "}, {@code \} and
 * control characters below U+0020 are escaped, as Python does; everything else, non-ASCII
 * included, is written as it is);</li>
 * <li>{@code byte}, {@code short}, {@code int}, {@code long}, {@link BigInteger} and
 * atomic integers → integers;</li>
 * <li>{@code double} → Python's {@code repr}, the shortest decimal that reads back as the
 * same double, on every JDK (not {@link Double#toString(double)}, which is not shortest
 * on JDK 17): {@code 2.0}, {@code 0.1}, {@code 1e+16}, {@code 1e-07}, {@code -0.0},
 * {@code NaN}, {@code Infinity}; {@code float} is first widened through its shortest
 * decimal form (so {@code 0.1f} is {@code 0.1});</li>
 * <li>{@link BigDecimal} → a JSON string of {@link BigDecimal#toString()}, as Python
 * stringifies a {@code Decimal} (both follow the General Decimal Arithmetic rules, so
 * {@code 1.50} stays {@code "1.50"});</li>
 * <li>{@code byte[]} → a string of lowercase hex (the tool-input digest's rule; function
 * arguments write Python's {@code str(bytes)}, {@code "b'\\x01'"}, see
 * {@link KeyDerivation});</li>
 * <li>{@link Set} → a string of Python's {@code str(set)}: {@code "{1, 2, 3}"},
 * {@code "set()"}, elements sorted (Python's own order for small non-negative integers;
 * for text Python's order changes between processes, so no key can match there);</li>
 * <li>{@code java.time} values → strings of Python's {@code str()} of the matching
 * {@code datetime} value: {@code 2024-01-02}, {@code 2024-01-02 03:04:05.123400},
 * {@code 2024-01-02 03:04:05+00:00} (an {@link java.time.Instant} is a UTC datetime),
 * {@code 03:04:05}; nanoseconds below a microsecond are dropped;</li>
 * <li>{@link Map} → an object sorted as Python sorts keys: text keys by code point,
 * number and boolean keys numerically ({@code 2} before {@code 10}; {@code true} counts
 * as 1), then written as text ({@code "10"}, {@code "2.5"}, {@code "true"},
 * {@code "null"}); keys of both kinds, {@code null} with other keys, or keys of other
 * types make Python raise a {@code TypeError}, and here a {@link PythonTypeError}, on
 * which the key derivations fall back as Python does;</li>
 * <li>{@link Collection} and arrays → arrays in iteration order;</li>
 * <li>anything else (records, beans, enums, {@code Optional}…) → converted to a JSON tree
 * by the {@link JsonMapper} first, then written canonically; a value the mapper cannot
 * convert becomes the string of its {@code toString()}, as Python's {@code default=str}
 * does.</li>
 * </ul>
 */
@Internal
public final class CanonicalJson {

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
	 * @throws PythonTypeError for a map Python could not sort or write
	 */
	public String write(@Nullable Object value) {
		return write(value, false);
	}

	/**
	 * The canonical JSON text of {@code value}, with {@code byte[]} written as Python's
	 * {@code str(bytes)} when {@code pythonBytes} is set.
	 */
	String write(@Nullable Object value, boolean pythonBytes) {
		StringBuilder out = new StringBuilder();
		write(value, out, true, pythonBytes);
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
				|| value instanceof Map || value instanceof Collection || value.getClass().isArray()
				|| PythonText.timeStr(value) != null);
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

	private void write(@Nullable Object value, StringBuilder out, boolean convert, boolean pythonBytes) {
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
			writeString(pythonBytes ? PythonText.bytesRepr(bytes) : HEX.formatHex(bytes), out);
		}
		else if (value instanceof Map<?, ?> map) {
			writeObject(map, out, pythonBytes);
		}
		else if (value instanceof Set<?> set) {
			writeString(PythonText.str(set), out);
		}
		else if (value instanceof Collection<?> collection) {
			writeArray(collection, out, pythonBytes);
		}
		else if (value.getClass().isArray()) {
			writeArray(arrayToList(value), out, pythonBytes);
		}
		else if (PythonText.timeStr(value) != null) {
			writeString(Objects.requireNonNull(PythonText.timeStr(value)), out);
		}
		else if (convert) {
			write(toTree(value), out, false, pythonBytes);
		}
		else {
			writeString(stringOf(value), out);
		}
	}

	private void writeObject(Map<?, ?> map, StringBuilder out, boolean pythonBytes) {
		List<Map.Entry<?, ?>> entries = sortedEntries(map);
		out.append('{');
		boolean first = true;
		for (Map.Entry<?, ?> entry : entries) {
			if (!first) {
				out.append(',');
			}
			first = false;
			writeString(keyText(entry.getKey()), out);
			out.append(':');
			write(entry.getValue(), out, true, pythonBytes);
		}
		out.append('}');
	}

	/**
	 * The entries of {@code map} in the order Python's {@code sorted()} puts their keys.
	 * @throws PythonTypeError when Python could not sort or write the keys
	 */
	static List<Map.Entry<?, ?>> sortedEntries(Map<?, ?> map) {
		List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
		boolean text = false;
		boolean number = false;
		boolean none = false;
		for (Map.Entry<?, ?> entry : entries) {
			Object key = entry.getKey();
			if (key == null) {
				none = true;
			}
			else if (isTextKey(key)) {
				text = true;
			}
			else if (isNumberKey(key)) {
				number = true;
			}
			else {
				throw new PythonTypeError(
						"keys must be str, int, float, bool or None, not " + key.getClass().getSimpleName());
			}
		}
		if (entries.size() < 2) {
			return entries;
		}
		if (none || (text && number)) {
			throw new PythonTypeError("'<' not supported between map keys of different types");
		}
		if (text) {
			entries.sort((a, b) -> compareCodePoints(a.getKey().toString(), b.getKey().toString()));
		}
		else {
			entries.sort((a, b) -> numericKey(a.getKey()).compareTo(numericKey(b.getKey())));
		}
		return entries;
	}

	private static boolean isTextKey(Object key) {
		return key instanceof CharSequence || key instanceof Character || key instanceof Enum<?>;
	}

	private static boolean isNumberKey(Object key) {
		return key instanceof Boolean || key instanceof Integer || key instanceof Long || key instanceof Short
				|| key instanceof Byte || key instanceof BigInteger || key instanceof AtomicInteger
				|| key instanceof AtomicLong || key instanceof Double || key instanceof Float;
	}

	private static BigDecimal numericKey(Object key) {
		if (key instanceof Boolean bool) {
			return bool ? BigDecimal.ONE : BigDecimal.ZERO;
		}
		if (key instanceof Double || key instanceof Float) {
			double d = (key instanceof Float f) ? PythonFloats.widen(f) : (Double) key;
			if (Double.isNaN(d) || Double.isInfinite(d)) {
				throw new PythonTypeError("non-finite float keys are not ordered here");
			}
			return new BigDecimal(d);
		}
		return new BigDecimal(key.toString());
	}

	private static String keyText(@Nullable Object key) {
		if (key == null) {
			return "null";
		}
		if (key instanceof Boolean bool) {
			return bool ? "true" : "false";
		}
		if (key instanceof Number number) {
			StringBuilder out = new StringBuilder();
			writeNumber(number, out);
			return out.toString();
		}
		return key.toString();
	}

	private void writeArray(Collection<?> values, StringBuilder out, boolean pythonBytes) {
		out.append('[');
		boolean first = true;
		for (Object item : values) {
			if (!first) {
				out.append(',');
			}
			first = false;
			write(item, out, true, pythonBytes);
		}
		out.append(']');
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
			out.append(PythonFloats.json(PythonFloats.widen(f)));
		}
		else {
			out.append(PythonFloats.json(number.doubleValue()));
		}
	}

	/**
	 * Python's {@code json.dumps} of a float: {@code repr}, with {@code NaN},
	 * {@code Infinity} and {@code -Infinity} for the non-finite values.
	 */
	static String pythonFloat(double value) {
		return PythonFloats.json(value);
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
