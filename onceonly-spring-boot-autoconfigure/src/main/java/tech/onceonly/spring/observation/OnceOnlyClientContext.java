package tech.onceonly.spring.observation;

import io.micrometer.observation.Observation;

/**
 * The context of one observed OnceOnly client operation: which operation, on which
 * backend, and (once it is over) its outcome. It deliberately holds no key, agent id or
 * argument.
 */
public class OnceOnlyClientContext extends Observation.Context {

	private final String operation;

	private final String backend;

	private String outcome = Outcomes.SUCCESS;

	/**
	 * A context for one call.
	 * @param operation the operation name, e.g. {@code check_lock}
	 * @param backend {@code local} or {@code remote}
	 */
	public OnceOnlyClientContext(String operation, String backend) {
		this.operation = operation;
		this.backend = backend;
	}

	/** The operation name, e.g. {@code check_lock}. */
	public String getOperation() {
		return this.operation;
	}

	/** {@code local} or {@code remote}. */
	public String getBackend() {
		return this.backend;
	}

	/** The outcome of the call, {@code success} until the call is over. */
	public String getOutcome() {
		return this.outcome;
	}

	/** Sets the outcome of the call. */
	public void setOutcome(String outcome) {
		this.outcome = outcome;
	}

}
