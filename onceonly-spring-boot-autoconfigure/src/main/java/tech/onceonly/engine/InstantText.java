package tech.onceonly.engine;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * An {@link Instant} as {@link Instant#toString()} writes it, character for character,
 * without the general formatter: every answer of the engine carries one or two times
 * (first seen, done), and formatting them was a visible share of a first call's work.
 * Store times are whole milliseconds from 1970 on; anything else (nanoseconds, years
 * outside 1970–9999) is left to {@link Instant#toString()}.
 */
final class InstantText {

	private static final long MILLIS_PER_DAY = 86_400_000L;

	/** 9999-12-31T23:59:59.999Z. */
	private static final long LAST_MILLI = 253_402_300_799_999L;

	private InstantText() {
	}

	/** {@code instant.toString()}. */
	static String of(Instant instant) {
		long seconds = instant.getEpochSecond();
		int nanos = instant.getNano();
		if (seconds < 0 || nanos % 1_000_000 != 0 || seconds > LAST_MILLI / 1000) {
			return instant.toString();
		}
		return ofEpochMilli(seconds * 1000 + nanos / 1_000_000);
	}

	/** {@code Instant.ofEpochMilli(millis).toString()}. */
	static String ofEpochMilli(long millis) {
		if (millis < 0 || millis > LAST_MILLI) {
			return Instant.ofEpochMilli(millis).toString();
		}
		long days = millis / MILLIS_PER_DAY;
		int msOfDay = (int) (millis % MILLIS_PER_DAY);
		// civil date from days since 1970-01-01 (proleptic Gregorian, as LocalDate)
		long z = days + 719_468;
		long era = z / 146_097;
		int dayOfEra = (int) (z - era * 146_097);
		int yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
		int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
		int monthPosition = (5 * dayOfYear + 2) / 153;
		int day = dayOfYear - (153 * monthPosition + 2) / 5 + 1;
		int month = (monthPosition < 10) ? monthPosition + 3 : monthPosition - 9;
		int year = (int) (yearOfEra + era * 400) + ((month <= 2) ? 1 : 0);
		int hour = msOfDay / 3_600_000;
		int minute = (msOfDay / 60_000) % 60;
		int second = (msOfDay / 1000) % 60;
		int milli = msOfDay % 1000;
		byte[] text = new byte[(milli != 0) ? 24 : 20];
		digits(text, 0, year, 4);
		text[4] = '-';
		digits(text, 5, month, 2);
		text[7] = '-';
		digits(text, 8, day, 2);
		text[10] = 'T';
		digits(text, 11, hour, 2);
		text[13] = ':';
		digits(text, 14, minute, 2);
		text[16] = ':';
		digits(text, 17, second, 2);
		if (milli != 0) {
			text[19] = '.';
			digits(text, 20, milli, 3);
		}
		text[text.length - 1] = 'Z';
		return new String(text, StandardCharsets.ISO_8859_1);
	}

	private static void digits(byte[] text, int at, int value, int width) {
		int rest = value;
		for (int i = at + width - 1; i >= at; i--) {
			text[i] = (byte) ('0' + rest % 10);
			rest /= 10;
		}
	}

}
