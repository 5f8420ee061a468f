package tech.onceonly.store;

/** The stored state of a keyed lease. */
public enum LeaseState {

	/** A holder has the lease until its expiry (after which anyone may take it over). */
	HELD,

	/** The holder released the lease ({@code cancel}); anyone may take it. */
	RELEASED,

	/** The work completed; its result is kept until the retention ends. */
	COMPLETED,

	/** The work failed terminally; its error is kept until the retention ends. */
	FAILED;

	/** True for {@link #COMPLETED} and {@link #FAILED}. */
	public boolean isTerminal() {
		return this == COMPLETED || this == FAILED;
	}

}
