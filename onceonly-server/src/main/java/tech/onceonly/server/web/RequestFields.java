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
					"Input should be a valid dictionary or object to extract fields from", body)));
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
			BigDecimal decimal = new BigDecimal(number.toString());
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
			return new BigDecimal(number.toString());
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

	void missing(String name) {
		this.errors.add(ErrorBodies.item("missing", List.of("body", name), "Field required", this.body));
	}

	void error(String type, String name, String msg, @Nullable Object input) {
		this.errors.add(ErrorBodies.item(type, List.of("body", name), msg, input));
	}

	/** Throws when any field was invalid. */
	void validate() {
		if (!this.errors.isEmpty()) {
			throw new RequestValidationException(this.errors);
		}
	}

}
