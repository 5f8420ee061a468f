package tech.onceonly.spring.web;

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
		return lease.leaseStatus().isTerminal() ? DONE : IN_PROGRESS;
	}

}
