package tech.onceonly.store;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A keyed lease as the store holds it, read at the store time {@code now}.
 *
 * @param key the key
 * @param state the state
 * @param leaseId the holder's fencing token while {@link LeaseState#HELD}, else
 * {@code null}
 * @param version acquisitions so far (1 after the first)
 * @param firstSeenAt when the key was first leased
 * @param expiresAt the lease end while held; the retention end once terminal; the release
 * time when released
 * @param doneAt when the work finished, once terminal
 * @param resultJson the result object (JSON text) of completed work
 * @param resultHash the result hash of completed work
 * @param errorCode the error code of failed work
 * @param metadataJson the metadata (JSON text) given when the lease was last acquired
 * @param now the store's time when this record was read
 */
public record LeaseRecord(String key, LeaseState state, @Nullable String leaseId, long version, Instant firstSeenAt,
		Instant expiresAt, @Nullable Instant doneAt, @Nullable String resultJson, @Nullable String resultHash,
		@Nullable String errorCode, @Nullable String metadataJson, Instant now) {

	/** True while a holder has the lease and it has not expired. */
	public boolean isHeld() {
		return this.state == LeaseState.HELD && this.expiresAt.isAfter(this.now);
	}

	/**
	 * True when the lease was held but its holder stopped heartbeating past the expiry.
	 */
	public boolean isExpired() {
		return this.state == LeaseState.HELD && !this.expiresAt.isAfter(this.now);
	}

	/** Time left on a held lease (zero otherwise). */
	public Duration ttlLeft() {
		if (!isHeld()) {
			return Duration.ZERO;
		}
		return Duration.between(this.now, this.expiresAt);
	}

}
