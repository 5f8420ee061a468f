package tech.onceonly.contract;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
		this.events.add(new Event("lease_lost", path, key));
		LOGGING.leaseLost(path, key);
	}

	@Override
	public void completionRetried(String path, String key, int attempt, Throwable failure) {
		this.events.add(new Event("completion_retried", path, key));
		LOGGING.completionRetried(path, key, attempt, failure);
	}

	@Override
	public void outcomeUnknown(String path, String key, Throwable failure) {
		this.events.add(new Event("outcome_unknown", path, key));
		LOGGING.outcomeUnknown(path, key, failure);
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
