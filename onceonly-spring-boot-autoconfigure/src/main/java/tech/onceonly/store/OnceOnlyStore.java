package tech.onceonly.store;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The atomic primitives under the local engine's check-lock and leases. Every method is
 * one atomic operation of the store (one round trip where the store allows it); expiry is
 * judged by the store's own clock ({@link #now()}); a lease operation that names a
 * {@code leaseId} changes something only while that lease id holds the key (fencing),
 * decided inside the store operation. A lease id holds the key while the lease is
 * {@link LeaseState#HELD} with that id: after its expiry it still does until someone else
 * acquires the key.
 * <p>
 * Records past their expiry (locks, released or expired leases) and terminal leases past
 * their retention are treated as absent and may be evicted at any time. Keys arrive
 * already validated and namespaced by the engine. Other capabilities (governance, audit,
 * tools, events) are separate SPIs that a backend implements beside this one.
 */
public interface OnceOnlyStore {

	/**
	 * The store's short name for logs, health and metrics: {@code memory}, {@code jdbc},
	 * {@code redis}.
	 */
	String type();

	/** The store's clock: every expiry decision is made against it. */
	Instant now();

	/**
	 * Takes {@code key} for {@code ttl} unless someone holds it unexpired.
	 * @param metadataJson a JSON object text stored with the key, or {@code null}
	 * @return acquired with the new record, or not acquired with the current holder's
	 * record
	 */
	LockResult tryLock(String key, Duration ttl, @Nullable String metadataJson);

	/** The unexpired lock on {@code key}, or {@code null}. */
	@Nullable LockRecord getLock(String key);

	/**
	 * Frees {@code key} whoever holds it (an operator action); true when something was
	 * removed.
	 */
	boolean releaseLock(String key);

	/**
	 * Acquires the lease on {@code key} for {@code ttl} with the lease id
	 * {@code newLeaseId}, unless it is held unexpired by someone else or its work is
	 * terminal (within retention). Acquiring increments the version and keeps the
	 * first-seen time of earlier acquisitions.
	 * @return what happened, with the lease after the attempt
	 */
	LeaseResult acquireLease(String key, Duration ttl, String newLeaseId, @Nullable String metadataJson);

	/**
	 * Moves the expiry of the lease held by {@code leaseId} to now + {@code ttl}.
	 * @return the extended lease, or {@code null} when {@code leaseId} does not hold the
	 * key (nothing changed)
	 */
	@Nullable LeaseRecord extendLease(String key, String leaseId, Duration ttl);

	/**
	 * Records the work of {@code leaseId} as completed with its result, kept for
	 * {@code retention}.
	 * @return the store time of completion ({@code done_at}), or {@code null} when
	 * {@code leaseId} does not hold the key (nothing changed)
	 */
	@Nullable Instant completeLease(String key, String leaseId, @Nullable String resultJson, @Nullable String resultHash,
			Duration retention);

	/**
	 * Records the work of {@code leaseId} as failed with {@code errorCode}, kept for
	 * {@code retention}.
	 * @return the store time of the failure ({@code done_at}), or {@code null} when
	 * {@code leaseId} does not hold the key (nothing changed)
	 */
	@Nullable Instant failLease(String key, String leaseId, String errorCode, @Nullable String errorHash, Duration retention);

	/**
	 * Releases the lease of {@code leaseId} so anyone may acquire the key again (the
	 * version is kept).
	 * @return false when {@code leaseId} does not hold the key (nothing changed)
	 */
	boolean cancelLease(String key, String leaseId);

	/**
	 * The lease on {@code key} in any state (held, expired, released, terminal within
	 * retention), or {@code null}.
	 */
	@Nullable LeaseRecord getLease(String key);

	/**
	 * Removes the lease on {@code key} in any state (an operator action); true when
	 * something was removed.
	 */
	boolean deleteLease(String key);

}
