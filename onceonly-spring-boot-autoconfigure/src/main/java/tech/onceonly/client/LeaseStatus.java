package tech.onceonly.client;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The state of a keyed lease or run, as the engines know it. Each value has the word the
 * OnceOnly API sends ({@link #wireValue()}); the records keep that word in their
 * {@code status()} for SDK parity, and {@code leaseStatus()} answers this enum.
 */
public enum LeaseStatus {

	/** This caller took the lease and holds its fencing token. */
	ACQUIRED("acquired"),

	/** Someone else holds the lease; ask again later. */
	POLLING("polling"),

	/** The lease is held and the work is running. */
	IN_PROGRESS("in_progress"),

	/** The work finished and its result is stored. */
	COMPLETED("completed"),

	/** The work failed and its error code is stored. */
	FAILED("failed"),

	/** The holder released the lease without an outcome; the key is free. */
	RELEASED("released"),

	/** The lease ran out without an outcome; the key is free. */
	EXPIRED("expired"),

	/** The key was never leased (or its result is past retention). */
	NOT_FOUND("not_found"),

	/** A held lease was renewed (the answer of {@code /ai/extend}). */
	EXTENDED("extended"),

	/** A word this client does not know (a newer server); the record keeps the word. */
	UNKNOWN("unknown");

	private final String wireValue;

	LeaseStatus(String wireValue) {
		this.wireValue = wireValue;
	}

	/** The word the OnceOnly API uses for this status. */
	public String wireValue() {
		return this.wireValue;
	}

	/**
	 * True for {@link #COMPLETED} and {@link #FAILED}, after which nothing changes.
	 */
	public boolean isTerminal() {
		return this == COMPLETED || this == FAILED;
	}

	/**
	 * True when anyone may lease the key now: {@link #RELEASED}, {@link #EXPIRED},
	 * {@link #NOT_FOUND}.
	 */
	public boolean isFree() {
		return this == RELEASED || this == EXPIRED || this == NOT_FOUND;
	}

	/**
	 * The status of a wire word, ignoring case and surrounding blanks; {@link #UNKNOWN}
	 * for a missing or unknown word.
	 * @param wireValue the word
	 * @return the status
	 */
	public static LeaseStatus of(@Nullable String wireValue) {
		if (wireValue == null) {
			return UNKNOWN;
		}
		String word = wireValue.strip().toLowerCase(Locale.ROOT);
		for (LeaseStatus status : values()) {
			if (status.wireValue.equals(word) && status != UNKNOWN) {
				return status;
			}
		}
		return UNKNOWN;
	}

}
