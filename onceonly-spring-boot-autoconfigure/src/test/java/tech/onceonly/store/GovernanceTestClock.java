package tech.onceonly.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clock tests move by hand, so windows and retention roll over without sleeping. Stores
 * on a database clock follow it by listening to its moves and shifting their own clock.
 */
public final class GovernanceTestClock extends Clock {

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	private volatile Instant now;

	public GovernanceTestClock(Instant start) {
		this.now = start;
	}

	public void advance(Duration by) {
		set(this.now.plus(by));
	}

	public void set(Instant value) {
		this.now = value;
		this.listeners.forEach(Runnable::run);
	}

	/** Runs {@code listener} after every move of the clock. */
	public void onChange(Runnable listener) {
		this.listeners.add(listener);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	@Override
	public Instant instant() {
		return this.now;
	}

}
