package tech.onceonly.contract;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import tech.onceonly.client.LeaseEvents;

/**
 * Lease events kept for assertions (and logged as usual), so a test can tell that a lost
 * lease or an unknown outcome was reported, not only thrown.
 */
public final class RecordedLeaseEvents implements LeaseEvents {

	/** One reported event. */
	public record Event(String kind, String path, String key) {

	}

	private final List<Event> events = new CopyOnWriteArrayList<>();

	@Override
	public void leaseLost(String path, String key) {
		add(new Event("lease_lost", path, key));
		LOGGING.leaseLost(path, key);
	}

	@Override
	public void completionRetried(String path, String key, int attempt, Throwable failure) {
		add(new Event("completion_retried", path, key));
		LOGGING.completionRetried(path, key, attempt, failure);
	}

	@Override
	public void outcomeUnknown(String path, String key, Throwable failure) {
		add(new Event("outcome_unknown", path, key));
		LOGGING.outcomeUnknown(path, key, failure);
	}

	private void add(Event event) {
		synchronized (this.events) {
			this.events.add(event);
			this.events.notifyAll();
		}
	}

	/**
	 * Waits until an event of {@code kind} was reported for a key ending with
	 * {@code keySuffix} (events come from heartbeat threads).
	 * @throws AssertionError when none was within {@code timeout}
	 */
	public void await(String keySuffix, String kind, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.events) {
			while (!kinds(keySuffix).contains(kind)) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new AssertionError("No " + kind + " event for a key ending with '" + keySuffix + "' within "
							+ timeout + "; events: " + this.events);
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.events, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new AssertionError("Interrupted while waiting for a " + kind + " event", ex);
				}
			}
		}
	}

	/**
	 * The kinds of the events reported for a key ending with {@code keySuffix}, in order
	 * ({@code lease_lost}, {@code completion_retried}, {@code outcome_unknown}).
	 */
	public List<String> kinds(String keySuffix) {
		return this.events.stream().filter((event) -> event.key().endsWith(keySuffix)).map(Event::kind).toList();
	}

	/** Every reported event. */
	public List<Event> all() {
		return List.copyOf(this.events);
	}

}
