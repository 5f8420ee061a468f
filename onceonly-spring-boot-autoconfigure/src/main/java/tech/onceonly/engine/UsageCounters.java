package tech.onceonly.engine;

import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.ValidationException;

/**
 * This engine's usage counters since it started (JVM-local, not shared through the
 * store): requests, charged (locked or acquired), blocked (duplicates) and polling
 * answers, per kind ({@code make} = check-lock, {@code ai} = leases and runs), in total
 * and per UTC day of the JVM clock for the last {@value #DAYS_KEPT} days.
 */
final class UsageCounters {

	/** How many days of daily counters are kept. */
	static final int DAYS_KEPT = 400;

	/** The longest range {@link #daily} answers. */
	static final int MAX_RANGE_DAYS = 366;

	private static final long MILLIS_PER_DAY = 86_400_000L;

	private static final String[] FIELDS = { "requests", "charged", "blocked", "polling" };

	final Kind make = new Kind(0);

	final Kind ai = new Kind(FIELDS.length);

	private final Clock clock;

	private final ConcurrentHashMap<Long, AtomicLongArray> days = new ConcurrentHashMap<>();

	private volatile @Nullable Day today;

	UsageCounters(Clock clock) {
		this.clock = clock;
	}

	/** Counts a check-lock answer. */
	void lock(boolean acquired) {
		count(this.make, 0);
		count(this.make, acquired ? 1 : 2);
	}

	/** Counts a lease answer: acquired, polling, or finished work (blocked). */
	void lease(boolean acquired, boolean polling) {
		count(this.ai, 0);
		count(this.ai, acquired ? 1 : (polling ? 3 : 2));
	}

	private void count(Kind kind, int field) {
		kind.adders[field].increment();
		long day = Math.floorDiv(this.clock.millis(), MILLIS_PER_DAY);
		// the day's counters without a boxed map lookup on every call
		Day current = this.today;
		if (current == null || current.day != day) {
			current = new Day(day, this.days.computeIfAbsent(day, (d) -> new AtomicLongArray(2 * FIELDS.length)));
			this.days.keySet().removeIf((d) -> d <= day - DAYS_KEPT);
			this.today = current;
		}
		current.counts.incrementAndGet(kind.offset + field);
	}

	/** The counters of one day (the array held in {@link #days}). */
	private record Day(long day, AtomicLongArray counts) {
	}

	/**
	 * The daily counters from {@code fromDay} to {@code toDay} (inclusive,
	 * {@code YYYY-MM-DD}).
	 * @throws ValidationException when a day is malformed, the range is reversed or
	 * longer than {@value #MAX_RANGE_DAYS} days
	 */
	Map<String, Object> daily(String fromDay, String toDay) {
		LocalDate from = day("from_day", fromDay);
		LocalDate to = day("to_day", toDay);
		if (to.isBefore(from)) {
			throw new ValidationException("to_day " + toDay + " is before from_day " + fromDay);
		}
		if (ChronoUnit.DAYS.between(from, to) >= MAX_RANGE_DAYS) {
			throw new ValidationException("the range from_day..to_day spans more than " + MAX_RANGE_DAYS + " days");
		}
		List<Map<String, Object>> rows = new ArrayList<>();
		long[] totals = new long[2 * FIELDS.length];
		for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
			AtomicLongArray counts = this.days.get(d.toEpochDay());
			long[] values = new long[totals.length];
			for (int i = 0; i < values.length; i++) {
				values[i] = (counts != null) ? counts.get(i) : 0;
				totals[i] += values[i];
			}
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("day", d.toString());
			row.put("make", fields(values, 0));
			row.put("ai", fields(values, FIELDS.length));
			rows.add(row);
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("from_day", from.toString());
		answer.put("to_day", to.toString());
		answer.put("scope", "engine");
		answer.put("days", rows);
		answer.put("totals", Map.of("make", fields(totals, 0), "ai", fields(totals, FIELDS.length)));
		return answer;
	}

	private static Map<String, Object> fields(long[] values, int offset) {
		Map<String, Object> out = new LinkedHashMap<>();
		for (int i = 0; i < FIELDS.length; i++) {
			out.put(FIELDS[i], values[offset + i]);
		}
		return out;
	}

	private static LocalDate day(String field, String value) {
		try {
			return LocalDate.parse(value);
		}
		catch (DateTimeParseException | NullPointerException ex) {
			throw new ValidationException(field + " must be a day as YYYY-MM-DD, was '" + value + "'");
		}
	}

	/** One kind's counters. */
	static final class Kind {

		private final int offset;

		private final LongAdder[] adders = { new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder() };

		Kind(int offset) {
			this.offset = offset;
		}

		Map<String, Object> toWire() {
			Map<String, Object> wire = new LinkedHashMap<>();
			wire.put("usage", this.adders[1].sum());
			wire.put("limit", null);
			wire.put("requests_total_month", this.adders[0].sum());
			wire.put("blocked_total_month", this.adders[2].sum());
			wire.put("charged_total_month", this.adders[1].sum());
			wire.put("polling_total_month", this.adders[3].sum());
			return wire;
		}

	}

}
