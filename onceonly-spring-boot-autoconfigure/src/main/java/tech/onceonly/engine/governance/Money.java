package tech.onceonly.engine.governance;

import java.math.BigDecimal;
import java.math.RoundingMode;

import tech.onceonly.client.ValidationException;

/**
 * Exact money: US dollars as {@link BigDecimal} outside, integer micro-dollars inside.
 */
final class Money {

	private Money() {
	}

	/** Micro-dollars of a non-negative amount with at most 6 decimal places. */
	static long toMicros(BigDecimal usd, String field) {
		if (usd.signum() < 0) {
			throw new ValidationException(field + " must not be negative, was " + usd.toPlainString());
		}
		try {
			return usd.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
		}
		catch (ArithmeticException ex) {
			throw new ValidationException(
					field + " must be a dollar amount with at most 6 decimal places, was " + usd.toPlainString());
		}
	}

	/** The dollar amount of {@code micros}, without trailing zeros. */
	static BigDecimal toUsd(long micros) {
		BigDecimal usd = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
		return (usd.scale() < 0) ? usd.setScale(0) : usd;
	}

}
