package tech.onceonly.server.web;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Reads typed fields of a JSON request body and collects every problem as a FastAPI-style
 * item, so a request is rejected once with all its errors ({@link #validate()}). JSON
 * {@code null} counts as absent, as the SDKs never send it.
 */
final class RequestFields {

	/**
	 * The longest string of a named field (ids, names, codes, hashes, reasons, URLs), in
	 * code points; keys are checked by the engine.
	 */
	static final int MAX_FIELD_LENGTH = 1024;

	/**
	 * The longest string anywhere in a free-text body (policies, tools and their secrets,
	 * event messages, data and extra fields), in code points.
	 */
	static final int MAX_TEXT_LENGTH = 4096;

	private final Map<String, Object> body;

	private final List<Map<String, Object>> errors = new ArrayList<>();

	private RequestFields(Map<String, Object> body) {
		this.body = body;
	}

	/** The fields of a parsed body; anything but a JSON object is rejected. */
	@SuppressWarnings("unchecked")
	static RequestFields of(@Nullable Object body) {
		if (body == null) {
			throw new RequestValidationException(
					List.of(ErrorBodies.item("missing", List.of("body"), "Field required", null)));
		}
		if (!(body instanceof Map<?, ?> map)) {
			throw new RequestValidationException(List.of(ErrorBodies.item("model_attributes_type", List.of("body"),
					"Input should be a valid dictionary or object to extract fields from", null)));
		}
		return new RequestFields((Map<String, Object>) map);
	}

	/** The whole body. */
	Map<String, Object> body() {
		return this.body;
	}

	boolean has(String name) {
		return this.body.get(name) != null;
	}

	/** A required string. */
	@Nullable String requiredString(String name) {
		Object value = this.body.get(name);
		if (value == null) {
			missing(name);
			return null;
		}
		return string(name, value);
	}

	/** An optional string. */
	@Nullable String optionalString(String name) {
		Object value = this.body.get(name);
		return (value != null) ? string(name, value) : null;
	}

	private @Nullable String string(String name, Object value) {
		if (value instanceof String s) {
			int max = "message".equals(name) ? MAX_TEXT_LENGTH : MAX_FIELD_LENGTH;
			if (!"key".equals(name) && tooLong(s, max)) {
				this.errors.add(ErrorBodies.item("string_too_long", List.of("body", name),
						"String should have at most " + max + " characters", null));
				return null;
			}
			return s;
		}
		error("string_type", name, "Input should be a valid string", value);
		return null;
	}

	/**
	 * An optional ttl in seconds as the hosted API takes it: absent, {@code null} or
	 * {@code 0} mean the default ({@code null} is returned); a value above {@code max} is
	 * clamped to {@code max}; a negative value is an error. A whole number written with a
	 * fraction ({@code 60.0}) is accepted.
	 */
	@Nullable Duration ttl(String name, Duration max) {
		Long seconds = optionalLong(name);
		if (seconds == null || seconds == 0) {
			return null;
		}
		if (seconds < 0) {
			error("greater_than_equal", name, "Input should be greater than or equal to 0", seconds);
			return null;
		}
		return Duration.ofSeconds(Math.min(seconds, max.toSeconds()));
	}

	/**
	 * An optional whole number that may be sent with a fraction (Python's
	 * {@code time.time()}, JavaScript's {@code Date.now() / 1000}): the fraction is
	 * dropped, rounding towards negative infinity.
	 */
	@Nullable Long optionalFlooredLong(String name) {
		Object value = this.body.get(name);
		if (value instanceof Number number && !(value instanceof Integer || value instanceof Long
				|| value instanceof Short || value instanceof BigInteger)) {
			if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
				error("finite_number", name, "Input should be a finite number", value);
				return null;
			}
			BigDecimal floored = new BigDecimal(number.toString()).setScale(0, RoundingMode.FLOOR);
			try {
				return floored.longValueExact();
			}
			catch (ArithmeticException ex) {
				error("int_type", name, "Input should be a valid integer in the 64-bit range", value);
				return null;
			}
		}
		return optionalLong(name);
	}

	/** An optional integer. */
	@Nullable Long optionalLong(String name) {
		Object value = this.body.get(name);
		if (value == null) {
			return null;
		}
		if (value instanceof Integer || value instanceof Long || value instanceof Short) {
			return ((Number) value).longValue();
		}
		if (value instanceof BigInteger big && big.bitLength() < 64) {
			return big.longValue();
		}
		if (value instanceof Number number) {
			BigDecimal decimal;
			try {
				decimal = new BigDecimal(number.toString());
			}
			catch (NumberFormatException ex) {
				error("finite_number", name, "Input should be a finite number", null);
				return null;
			}
			if (decimal.stripTrailingZeros().scale() <= 0) {
				try {
					return decimal.longValueExact();
				}
				catch (ArithmeticException ex) {
					// out of range: reported below
				}
			}
			error("int_from_float", name, "Input should be a valid integer, got a number with a fractional part",
					value);
			return null;
		}
		error("int_type", name, "Input should be a valid integer", value);
		return null;
	}

	/** An optional exact number. */
	@Nullable BigDecimal optionalDecimal(String name) {
		Object value = this.body.get(name);
		if (value == null) {
			return null;
		}
		if (value instanceof Number number) {
			try {
				return new BigDecimal(number.toString());
			}
			catch (NumberFormatException ex) {
				error("finite_number", name, "Input should be a finite number", null);
				return null;
			}
		}
		error("decimal_type", name, "Input should be a valid number", value);
		return null;
	}

	/** An optional boolean. */
	@Nullable Boolean optionalBoolean(String name) {
		Object value = this.body.get(name);
		if (value == null) {
			return null;
		}
		if (value instanceof Boolean b) {
			return b;
		}
		error("bool_type", name, "Input should be a valid boolean", value);
		return null;
	}

	/** A required boolean. */
	@Nullable Boolean requiredBoolean(String name) {
		if (this.body.get(name) == null) {
			missing(name);
			return null;
		}
		return optionalBoolean(name);
	}

	/** An optional JSON object. */
	@SuppressWarnings("unchecked")
	@Nullable Map<String, Object> optionalObject(String name) {
		Object value = this.body.get(name);
		if (value == null) {
			return null;
		}
		if (value instanceof Map<?, ?> map) {
			return (Map<String, Object>) map;
		}
		error("dict_type", name, "Input should be a valid dictionary", value);
		return null;
	}

	/**
	 * Checks that every string inside a free-text value (at any depth, object names too)
	 * has at most {@link #MAX_TEXT_LENGTH} code points.
	 */
	void checkText(String name, @Nullable Object value) {
		List<Object> loc = new ArrayList<>(List.of("body"));
		if (!name.isEmpty()) {
			loc.add(name);
		}
		text(loc, value);
	}

	private void text(List<Object> loc, @Nullable Object value) {
		if (this.errors.size() >= 10) {
			return;
		}
		if (value instanceof String s && tooLong(s, MAX_TEXT_LENGTH)) {
			this.errors.add(ErrorBodies.item("string_too_long", List.copyOf(loc),
					"String should have at most " + MAX_TEXT_LENGTH + " characters", null));
		}
		else if (value instanceof Map<?, ?> map) {
			map.forEach((k, v) -> {
				List<Object> inner = new ArrayList<>(loc);
				inner.add(String.valueOf(k));
				if (tooLong(String.valueOf(k), MAX_TEXT_LENGTH)) {
					this.errors.add(ErrorBodies.item("string_too_long", List.copyOf(loc),
							"Names should have at most " + MAX_TEXT_LENGTH + " characters", null));
				}
				else {
					text(inner, v);
				}
			});
		}
		else if (value instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				List<Object> inner = new ArrayList<>(loc);
				inner.add(i);
				text(inner, list.get(i));
			}
		}
	}

	private static boolean tooLong(String s, int max) {
		return s.length() > max && s.codePointCount(0, s.length()) > max;
	}

	void missing(String name) {
		this.errors.add(ErrorBodies.item("missing", List.of("body", name), "Field required", null));
	}

	void error(String type, String name, String msg, @Nullable Object input) {
		this.errors.add(ErrorBodies.item(type, List.of("body", name), msg, safeInput(input)));
	}

	/**
	 * The part of a refused value an error may echo: numbers and booleans, and the start
	 * of short strings; never objects or arrays, which may hold secrets.
	 */
	static @Nullable Object safeInput(@Nullable Object value) {
		if (value instanceof Number || value instanceof Boolean) {
			return value;
		}
		if (value instanceof String s) {
			return (s.length() <= 64) ? s : s.substring(0, 64) + "…";
		}
		return null;
	}

	/** Throws when any field was invalid. */
	void validate() {
		if (!this.errors.isEmpty()) {
			throw new RequestValidationException(this.errors);
		}
	}

}
