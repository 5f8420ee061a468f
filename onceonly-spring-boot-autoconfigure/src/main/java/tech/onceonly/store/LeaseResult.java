package tech.onceonly.store;

/**
 * The outcome of an attempt to acquire a lease.
 *
 * @param outcome what happened
 * @param record the lease after the attempt (the caller's own lease when acquired)
 */
public record LeaseResult(Outcome outcome, LeaseRecord record) {

	/** What an attempt to acquire a lease did. */
	public enum Outcome {

		/** The caller now holds the lease with its new lease id. */
		ACQUIRED,

		/** Someone else holds an unexpired lease. */
		HELD_BY_OTHER,

		/** The work already completed. */
		COMPLETED,

		/** The work already failed terminally. */
		FAILED

	}

}
