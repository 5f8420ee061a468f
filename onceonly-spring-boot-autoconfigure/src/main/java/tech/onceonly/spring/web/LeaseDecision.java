package tech.onceonly.spring.web;

import java.util.Locale;

import tech.onceonly.client.AiRun;

/** What a lease answer means for a guarded web request. */
public enum LeaseDecision {

	/** This request holds the key: run the handler. */
	RUN,

	/** The work was already done: answer without running the handler. */
	DONE,

	/** The work is being done right now by another request: answer 409. */
	IN_PROGRESS;

	/** The decision for a lease answer. */
	public static LeaseDecision of(AiRun lease) {
		if (lease.acquired() && lease.leaseId() != null) {
			return RUN;
		}
		String status = lease.status().toLowerCase(Locale.ROOT);
		return (status.equals("completed") || status.equals("failed")) ? DONE : IN_PROGRESS;
	}

}
