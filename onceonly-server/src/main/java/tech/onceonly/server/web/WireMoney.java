package tech.onceonly.server.web;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The server's rule for dollar amounts on the wire: any JSON number is accepted and
 * rounded to the ledger's precision, 6 decimal places (a micro-dollar), half to even,
 * from the exact decimal text of the number (request bodies are parsed with floats as
 * {@link BigDecimal}, never as {@code double}). So {@code 0.30000000000000004} is
 * {@code 0.3}, {@code 1e-7} is {@code 0} and {@code 0.0000005} is {@code 0.000000}, as
 * Python's {@code round(x, 6)} would give for the decimal value. Negative amounts and
 * values that are not numbers are passed on for the engine to refuse.
 */
final class WireMoney {

	/** The ledger's precision: 6 decimal places. */
	static final int SCALE = 6;

	private WireMoney() {
	}

	/**
	 * {@code value} rounded to {@value #SCALE} decimal places, or as it is when not a
	 * number.
	 */
	static @Nullable Object round(@Nullable Object value) {
		if (value instanceof BigDecimal decimal) {
			return round(decimal);
		}
		if (value instanceof Number number && !(value instanceof Double d && (d.isNaN() || d.isInfinite()))
				&& !(value instanceof Float f && (f.isNaN() || f.isInfinite()))) {
			return round(new BigDecimal(number.toString()));
		}
		return value;
	}

	/** {@code value} rounded to {@value #SCALE} decimal places, half to even. */
	static BigDecimal round(BigDecimal value) {
		BigDecimal rounded = value.setScale(SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
		return (rounded.scale() < 0) ? rounded.setScale(0) : rounded;
	}

	/**
	 * A copy of a policy body (or template overrides) with {@code max_spend_usd_per_day}
	 * and every {@code pricing_rules[].price_usd} rounded; other fields, explicit
	 * {@code null}s included, are kept as they are.
	 */
	@SuppressWarnings("unchecked")
	static @Nullable Map<String, Object> roundPolicy(@Nullable Map<String, Object> policy) {
		if (policy == null) {
			return null;
		}
		Map<String, Object> copy = new LinkedHashMap<>(policy);
		if (copy.get("max_spend_usd_per_day") != null) {
			copy.put("max_spend_usd_per_day", round(copy.get("max_spend_usd_per_day")));
		}
		if (copy.get("pricing_rules") instanceof List<?> rules) {
			List<Object> rounded = new ArrayList<>(rules.size());
			for (Object rule : rules) {
				if (rule instanceof Map<?, ?> map && map.get("price_usd") != null) {
					Map<String, Object> row = new LinkedHashMap<>((Map<String, Object>) map);
					row.put("price_usd", round(row.get("price_usd")));
					rounded.add(row);
				}
				else {
					rounded.add(rule);
				}
			}
			copy.put("pricing_rules", rounded);
		}
		return copy;
	}

}
