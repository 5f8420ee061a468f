package tech.onceonly.client;

import java.util.Map;

/**
 * The protected work ran, but its outcome could not be recorded before the lease was
 * lost: the store kept failing until the lease expired, or another worker took the key
 * over. The key was never released by this caller, so nothing ran again because of this
 * failure; whether a result is stored (and whose) is unknown to this caller. Read it with
 * {@code ai().result(key)} once the store answers again.
 * <p>
 * Every occurrence is also logged and counted ({@link LeaseEvents#outcomeUnknown}).
 */
public class OutcomeUnknownException extends OnceOnlyException {

	private static final long serialVersionUID = 1L;

	/** The error code of this condition in logs and metrics. */
	public static final String ERROR_CODE = "outcome_unknown";

	private final String key;

	/**
	 * An unknown outcome of the work under {@code key}.
	 * @param key the key
	 * @param cause the last error of recording the outcome, or of the heartbeat that
	 * found the lease lost
	 */
	public OutcomeUnknownException(String key, Throwable cause) {
		super("The work under key '" + key + "' ran, but its outcome could not be recorded before its lease was lost ("
				+ cause.getClass().getSimpleName() + "); the key was not released. Read ai().result(key) later", cause);
		this.key = key;
	}

	/** The key of the work. */
	public String key() {
		return this.key;
	}

	/** The detail of this error in the shape of the API's errors. */
	public Map<String, Object> detail() {
		return Map.of("error", ERROR_CODE, "key", this.key);
	}

}
