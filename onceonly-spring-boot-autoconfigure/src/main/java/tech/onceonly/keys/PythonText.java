package tech.onceonly.keys;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Python's {@code str()} and {@code repr()} of the values a key derivation meets, for the
 * places where the SDK falls back to them: {@code str(bytes)}, {@code str(set)},
 * {@code str(date)} and friends (through {@code default=str}) and {@code str(dict)} of a
 * value {@code json.dumps} refuses. Maps are written in their iteration order (use an
 * ordered map), sets with their elements sorted (Python's order for small non-negative
 * integers; for text Python's own order changes from process to process).
 */
final class PythonText {

	private PythonText() {
	}

	/**
	 * Python's {@code str(value)} of a value written through {@code default=str}: bytes,
	 * sets, dates and times, and anything else by its {@code toString()}.
	 */
	static String str(Object value) {
		if (value instanceof byte[] bytes) {
			return bytesRepr(bytes);
		}
		if (value instanceof Set<?> set) {
			return setRepr(set);
		}
		String time = timeStr(value);
		if (time != null) {
			return time;
		}
		if (value instanceof BigDecimal decimal) {
			return decimal.toString();
		}
		return String.valueOf(value);
	}

	/** Python's {@code repr(value)}. */
	static String repr(@Nullable Object value) {
		StringBuilder out = new StringBuilder();
		repr(value, out);
		return out.toString();
	}

	/**
	 * Python's {@code repr} of a tuple of {@code items}: {@code ()}, {@code (x,)},
	 * {@code (x, y)}.
	 */
	static String tupleRepr(List<?> items) {
		StringBuilder out = new StringBuilder("(");
		for (int i = 0; i < items.size(); i++) {
			if (i > 0) {
				out.append(", ");
			}
			repr(items.get(i), out);
		}
		if (items.size() == 1) {
			out.append(',');
		}
		return out.append(')').toString();
	}

	private static void repr(@Nullable Object value, StringBuilder out) {
		if (value == null) {
			out.append("None");
		}
		else if (value instanceof Boolean bool) {
			out.append(bool ? "True" : "False");
		}
		else if (value instanceof CharSequence || value instanceof Character || value instanceof Enum<?>) {
			out.append(stringRepr(value.toString()));
		}
		else if (value instanceof Double || value instanceof Float) {
			double d = (value instanceof Float f) ? PythonFloats.widen(f) : (Double) value;
			out.append(PythonFloats.repr(d));
		}
		else if (value instanceof BigDecimal decimal) {
			out.append("Decimal('").append(decimal).append("')");
		}
		else if (value instanceof Number number) {
			out.append(number);
		}
		else if (value instanceof byte[] bytes) {
			out.append(bytesRepr(bytes));
		}
		else if (value instanceof Map<?, ?> map) {
			out.append('{');
			boolean first = true;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (!first) {
					out.append(", ");
				}
				first = false;
				repr(entry.getKey(), out);
				out.append(": ");
				repr(entry.getValue(), out);
			}
			out.append('}');
		}
		else if (value instanceof Set<?> set) {
			out.append(setRepr(set));
		}
		else if (value instanceof Collection<?> collection) {
			out.append('[');
			boolean first = true;
			for (Object item : collection) {
				if (!first) {
					out.append(", ");
				}
				first = false;
				repr(item, out);
			}
			out.append(']');
		}
		else if (value.getClass().isArray()) {
			List<Object> items = new ArrayList<>();
			for (int i = 0; i < java.lang.reflect.Array.getLength(value); i++) {
				items.add(java.lang.reflect.Array.get(value, i));
			}
			repr(items, out);
		}
		else {
			String time = timeRepr(value);
			out.append((time != null) ? time : stringRepr(String.valueOf(value)));
		}
	}

	/** {@code str(set)}: {@code set()} or {@code {a, b}}, elements sorted. */
	private static String setRepr(Set<?> set) {
		if (set.isEmpty()) {
			return "set()";
		}
		List<Object> items = new ArrayList<>(set);
		try {
			items.sort(PythonText::compareItems);
		}
		catch (RuntimeException ex) {
			// not comparable: iteration order
		}
		StringBuilder out = new StringBuilder("{");
		for (int i = 0; i < items.size(); i++) {
			if (i > 0) {
				out.append(", ");
			}
			repr(items.get(i), out);
		}
		return out.append('}').toString();
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static int compareItems(Object a, Object b) {
		if (a instanceof Number x && b instanceof Number y) {
			return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString()));
		}
		return ((Comparable) a).compareTo(b);
	}

	/** {@code repr(str)}: single quotes unless the text has one and no double quote. */
	static String stringRepr(String text) {
		char quote = (text.indexOf('\'') >= 0 && text.indexOf('"') < 0) ? '"' : '\'';
		StringBuilder out = new StringBuilder().append(quote);
		for (int i = 0; i < text.length();) {
			int c = text.codePointAt(i);
			i += Character.charCount(c);
			if (c == quote || c == '\\') {
				out.append('\\').appendCodePoint(c);
			}
			else if (c == '\t') {
				out.append("\\t");
			}
			else if (c == '\n') {
				out.append("\\n");
			}
			else if (c == '\r') {
				out.append("\\r");
			}
			else if (printable(c)) {
				out.appendCodePoint(c);
			}
			else if (c < 0x100) {
				out.append(String.format("\\x%02x", c));
			}
			else if (c < 0x10000) {
				out.append(String.format("\\u%04x", c));
			}
			else {
				out.append(String.format("\\U%08x", c));
			}
		}
		return out.append(quote).toString();
	}

	/** Python's {@code str.isprintable()} for one code point. */
	private static boolean printable(int c) {
		if (c == ' ') {
			return true;
		}
		return switch (Character.getType(c)) {
			case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
					Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR ->
				false;
			default -> true;
		};
	}

	/** {@code repr(bytes)}: {@code b'...'} with Python's escapes. */
	static String bytesRepr(byte[] bytes) {
		boolean single = false;
		boolean dbl = false;
		for (byte b : bytes) {
			single |= b == '\'';
			dbl |= b == '"';
		}
		char quote = (single && !dbl) ? '"' : '\'';
		StringBuilder out = new StringBuilder("b").append(quote);
		for (byte raw : bytes) {
			int b = raw & 0xff;
			if (b == quote || b == '\\') {
				out.append('\\').append((char) b);
			}
			else if (b == '\t') {
				out.append("\\t");
			}
			else if (b == '\n') {
				out.append("\\n");
			}
			else if (b == '\r') {
				out.append("\\r");
			}
			else if (b < 0x20 || b >= 0x7f) {
				out.append(String.format("\\x%02x", b));
			}
			else {
				out.append((char) b);
			}
		}
		return out.append(quote).toString();
	}

	/** {@code str()} of a date or time: ISO form with a space between date and time. */
	static @Nullable String timeStr(Object value) {
		if (value instanceof LocalDate date) {
			return date.toString();
		}
		if (value instanceof LocalDateTime dateTime) {
			return dateTime.toLocalDate() + " " + clock(dateTime.toLocalTime());
		}
		if (value instanceof LocalTime time) {
			return clock(time);
		}
		if (value instanceof OffsetTime time) {
			return clock(time.toLocalTime()) + offset(time.getOffset());
		}
		if (value instanceof OffsetDateTime dateTime) {
			return dateTime.toLocalDate() + " " + clock(dateTime.toLocalTime()) + offset(dateTime.getOffset());
		}
		if (value instanceof ZonedDateTime dateTime) {
			return timeStr(dateTime.toOffsetDateTime());
		}
		if (value instanceof Instant instant) {
			return timeStr(instant.atOffset(ZoneOffset.UTC));
		}
		return null;
	}

	private static @Nullable String timeRepr(Object value) {
		if (value instanceof LocalDate date) {
			return "datetime.date(" + date.getYear() + ", " + date.getMonthValue() + ", " + date.getDayOfMonth() + ")";
		}
		if (value instanceof LocalDateTime dateTime) {
			return "datetime.datetime(" + dateTime.getYear() + ", " + dateTime.getMonthValue() + ", "
					+ dateTime.getDayOfMonth() + ", " + clockArgs(dateTime.toLocalTime()) + ")";
		}
		if (value instanceof LocalTime time) {
			return "datetime.time(" + clockArgs(time) + ")";
		}
		if (value instanceof OffsetDateTime dateTime) {
			LocalDateTime local = dateTime.toLocalDateTime();
			return "datetime.datetime(" + local.getYear() + ", " + local.getMonthValue() + ", " + local.getDayOfMonth()
					+ ", " + clockArgs(local.toLocalTime()) + ", tzinfo=" + zoneRepr(dateTime.getOffset()) + ")";
		}
		if (value instanceof ZonedDateTime dateTime) {
			return timeRepr(dateTime.toOffsetDateTime());
		}
		if (value instanceof Instant instant) {
			return timeRepr(instant.atOffset(ZoneOffset.UTC));
		}
		if (value instanceof TemporalAccessor) {
			return stringRepr(String.valueOf(value));
		}
		return null;
	}

	private static String clock(LocalTime time) {
		String text = String.format("%02d:%02d:%02d", time.getHour(), time.getMinute(), time.getSecond());
		int micros = time.getNano() / 1000;
		return (micros != 0) ? text + String.format(".%06d", micros) : text;
	}

	private static String clockArgs(LocalTime time) {
		int micros = time.getNano() / 1000;
		String text = time.getHour() + ", " + time.getMinute();
		if (micros != 0) {
			return text + ", " + time.getSecond() + ", " + micros;
		}
		return (time.getSecond() != 0) ? text + ", " + time.getSecond() : text;
	}

	private static String offset(ZoneOffset offset) {
		int seconds = offset.getTotalSeconds();
		String sign = (seconds < 0) ? "-" : "+";
		int abs = Math.abs(seconds);
		String text = String.format("%s%02d:%02d", sign, abs / 3600, (abs / 60) % 60);
		return (abs % 60 != 0) ? text + String.format(":%02d", abs % 60) : text;
	}

	private static String zoneRepr(ZoneOffset offset) {
		int seconds = offset.getTotalSeconds();
		if (seconds == 0) {
			return "datetime.timezone.utc";
		}
		String delta = (seconds < 0) ? "days=-1, seconds=" + (86400 + seconds) : "seconds=" + seconds;
		return "datetime.timezone(datetime.timedelta(" + delta + "))";
	}

}
