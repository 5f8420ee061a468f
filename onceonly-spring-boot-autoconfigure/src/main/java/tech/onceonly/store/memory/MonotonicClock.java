package tech.onceonly.store.memory;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A clock that reads the wall clock once, as its origin, and from then on moves only with
 * {@link System#nanoTime()}: the instant it reports is the origin plus the time elapsed
 * since. A step of the wall clock (an NTP correction, a manual change, a VM restored from
 * a snapshot) therefore never moves it, so leases and locks judged by it expire after
 * exactly their ttl of elapsed time: a forward step cannot expire a live lease, a
 * backward step cannot extend one. The instants stay close to the wall clock for display,
 * drifting only by the rate difference of the two clocks.
 * <p>
 * The in-memory store uses it by default; tests may give the store any other
 * {@link Clock}.
 */
final class MonotonicClock extends Clock {

	private final Instant origin;

	private final long originMillis;

	private final long originNanos;

	private final LongSupplier nanoTime;

	/** A clock starting at the system UTC time now. */
	public MonotonicClock() {
		this(Clock.systemUTC(), System::nanoTime);
	}

	/**
	 * A clock starting at {@code origin}'s instant now (to the millisecond) and then
	 * following {@code nanoTime}.
	 * @param origin read once, for the starting instant
	 * @param nanoTime a monotonic nanosecond counter such as {@link System#nanoTime()}
	 */
	public MonotonicClock(Clock origin, LongSupplier nanoTime) {
		this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
		this.originNanos = nanoTime.getAsLong();
		this.origin = Objects.requireNonNull(origin, "origin").instant().truncatedTo(ChronoUnit.MILLIS);
		this.originMillis = this.origin.toEpochMilli();
	}

	private long elapsedNanos() {
		return this.nanoTime.getAsLong() - this.originNanos;
	}

	@Override
	public Instant instant() {
		return this.origin.plusNanos(elapsedNanos());
	}

	@Override
	public long millis() {
		return this.originMillis + elapsedNanos() / 1_000_000;
	}

	/** Always UTC. */
	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	/** This clock: its zone is always UTC, and instants do not depend on a zone. */
	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	@Override
	public String toString() {
		return "MonotonicClock[origin=" + this.origin + "]";
	}

}
