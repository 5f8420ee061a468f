package tech.onceonly.spring.observation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import tech.onceonly.client.LeaseEvents;

/**
 * Counts lease events in Micrometer, tagged only by the path holding the lease (never by
 * key): {@value #LOST} (a lease lost while its work ran), {@value #COMPLETION_RETRIES}
 * (failed attempts to record an outcome, retried) and {@value #OUTCOME_UNKNOWN} (work
 * whose outcome could not be recorded before its lease was lost). Never throws.
 */
public final class LeaseEventMeters implements LeaseEvents {

	/** Leases lost while their work ran. */
	public static final String LOST = "onceonly.lease.lost";

	/** Failed attempts to record an outcome that were retried. */
	public static final String COMPLETION_RETRIES = "onceonly.lease.completion.retries";

	/** Work whose outcome could not be recorded before its lease was lost. */
	public static final String OUTCOME_UNKNOWN = "onceonly.lease.outcome.unknown";

	private final MeterRegistry registry;

	/**
	 * Counters in {@code registry}.
	 * @param registry the registry
	 */
	public LeaseEventMeters(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void leaseLost(String path, String key) {
		increment(LOST, "Leases lost while their work still ran", path);
	}

	@Override
	public void completionRetried(String path, String key, int attempt, Throwable failure) {
		increment(COMPLETION_RETRIES, "Failed attempts to record an outcome that were retried", path);
	}

	@Override
	public void outcomeUnknown(String path, String key, Throwable failure) {
		increment(OUTCOME_UNKNOWN, "Work whose outcome could not be recorded before its lease was lost", path);
	}

	private void increment(String name, String description, String path) {
		try {
			Counter.builder(name).description(description).tag("path", path).register(this.registry).increment();
		}
		catch (RuntimeException ex) {
			// instrumentation never breaks the caller
		}
	}

}
