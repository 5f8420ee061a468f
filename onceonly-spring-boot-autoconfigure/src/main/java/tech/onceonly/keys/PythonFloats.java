package tech.onceonly.keys;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's {@code repr} of a float on every JDK: the shortest decimal that reads back as
 * the same double (the nearest one when several of that length do), in Python's layout.
 * {@link Double#toString(double)} is not shortest on JDK 17 and 18 (JDK-4511638), so the
 * digits are searched with {@link BigDecimal} from the double's exact value.
 */
final class PythonFloats {

	private PythonFloats() {
	}

	/**
	 * {@code repr(value)}: {@code 2.0}, {@code 0.1}, {@code 1e+16}, {@code 1e-07},
	 * {@code -0.0}; {@code nan}, {@code inf} and {@code -inf} for the non-finite values.
	 */
	static String repr(double value) {
		if (Double.isNaN(value)) {
			return "nan";
		}
		if (Double.isInfinite(value)) {
			return (value > 0) ? "inf" : "-inf";
		}
		return finite(value);
	}

	/**
	 * {@code json.dumps(value)}: as {@link #repr} but {@code NaN}, {@code Infinity} and
	 * {@code -Infinity} for the non-finite values.
	 */
	static String json(double value) {
		if (Double.isNaN(value)) {
			return "NaN";
		}
		if (Double.isInfinite(value)) {
			return (value > 0) ? "Infinity" : "-Infinity";
		}
		return finite(value);
	}

	/** The shortest decimal that reads back as {@code value} (finite, not zero). */
	static BigDecimal shortest(double value) {
		BigDecimal exact = new BigDecimal(value);
		for (int precision = 1; precision <= 17; precision++) {
			BigDecimal best = null;
			for (RoundingMode mode : new RoundingMode[] { RoundingMode.HALF_EVEN, RoundingMode.FLOOR,
					RoundingMode.CEILING }) {
				BigDecimal candidate = exact.round(new MathContext(precision, mode));
				if (Double.parseDouble(candidate.toString()) == value && (best == null
						|| candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
					best = candidate;
				}
			}
			if (best != null) {
				return best.stripTrailingZeros();
			}
		}
		return exact.round(MathContext.DECIMAL64).stripTrailingZeros();
	}

	/**
	 * The shortest decimal that reads back as {@code value} as a float, widened to a
	 * double ({@code 0.1f} is {@code 0.1}).
	 */
	static double widen(float value) {
		if (Float.isNaN(value) || Float.isInfinite(value) || value == 0) {
			return value;
		}
		BigDecimal exact = new BigDecimal(value);
		for (int precision = 1; precision <= 9; precision++) {
			BigDecimal best = null;
			for (RoundingMode mode : new RoundingMode[] { RoundingMode.HALF_EVEN, RoundingMode.FLOOR,
					RoundingMode.CEILING }) {
				BigDecimal candidate = exact.round(new MathContext(precision, mode));
				if (Float.parseFloat(candidate.toString()) == value && (best == null
						|| candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
					best = candidate;
				}
			}
			if (best != null) {
				return Double.parseDouble(best.toString());
			}
		}
		return value;
	}

	private static String finite(double value) {
		if (value == 0) {
			return ((1 / value) < 0) ? "-0.0" : "0.0";
		}
		BigDecimal decimal = shortest(value);
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

}
