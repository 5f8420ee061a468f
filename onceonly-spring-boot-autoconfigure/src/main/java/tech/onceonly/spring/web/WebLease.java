package tech.onceonly.spring.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.LeaseKeeper;
import tech.onceonly.client.LeaseStatus;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OutcomeUnknownException;
import tech.onceonly.client.ResultNotSerializableException;
import tech.onceonly.client.StaleLeaseException;

/**
 * The lease a guarded web request holds (a webhook delivery or an Idempotency-Key), from
 * the moment it is taken until the outcome of the handler is recorded: heartbeated so a
 * handler slower than the lease ttl keeps it, and settled by exactly one of
 * {@link #complete}, {@link #release} or {@link #abandon}.
 * <p>
 * Once the handler ran, its outcome is recorded with retries while the lease is held
 * ({@link LeaseKeeper#record}) and the key is never released because recording failed:
 * when the outcome cannot be recorded before the lease is lost it is reported through
 * {@link LeaseEvents#outcomeUnknown} and the key is left to its lease. A lost lease is
 * reported through {@link LeaseEvents#leaseLost}. Methods never throw.
 */
public final class WebLease {

	/** The path name of webhook deliveries in {@link LeaseEvents}. */
	public static final String WEBHOOK = "webhook";

	/** The path name of Idempotency-Key requests in {@link LeaseEvents}. */
	public static final String IDEMPOTENCY_KEY = "idempotency_key";

	private static final Log logger = LogFactory.getLog(WebLease.class);

	private final OnceOnly onceOnly;

	private final String path;

	private final String key;

	private final String leaseId;

	private final LeaseKeeper keeper;

	private final WebObservation observation;

	private final AtomicBoolean settled = new AtomicBoolean();

	private WebLease(OnceOnly onceOnly, String path, String key, String leaseId, LeaseKeeper keeper,
			WebObservation observation) {
		this.onceOnly = onceOnly;
		this.path = path;
		this.key = key;
		this.leaseId = leaseId;
		this.keeper = keeper;
		this.observation = observation;
	}

	/**
	 * Starts heartbeating a lease just taken.
	 * @param onceOnly the client the lease was taken with
	 * @param heartbeats the heartbeats to run on
	 * @param events where lost leases and unknown outcomes are reported
	 * @param path {@link #WEBHOOK} or {@link #IDEMPOTENCY_KEY}
	 * @param key the leased key
	 * @param leaseId the lease id
	 * @param ttl the lease ttl each heartbeat renews
	 * @param takenAtNanos {@link Heartbeats#nanoTime()} just before the lease call was
	 * sent
	 * @return the kept lease
	 */
	public static WebLease keep(OnceOnly onceOnly, Heartbeats heartbeats, LeaseEvents events, String path, String key,
			String leaseId, Duration ttl, long takenAtNanos) {
		return keep(onceOnly, heartbeats, events, path, key, leaseId, ttl, Heartbeats.period(ttl, null), takenAtNanos,
				WebObservation.none());
	}

	/**
	 * Starts heartbeating a lease just taken by a request observed as
	 * {@code observation}: its completion or release runs inside the observation's scope.
	 * @param onceOnly the client the lease was taken with
	 * @param heartbeats the heartbeats to run on
	 * @param events where lost leases and unknown outcomes are reported
	 * @param path {@link #WEBHOOK} or {@link #IDEMPOTENCY_KEY}
	 * @param key the leased key
	 * @param leaseId the lease id
	 * @param ttl the lease ttl each heartbeat renews
	 * @param period the heartbeat period ({@link Heartbeats#period(Duration, Duration)}
	 * of the ttl)
	 * @param takenAtNanos {@link Heartbeats#nanoTime()} just before the lease call was
	 * sent
	 * @param observation the observation of the request
	 * @return the kept lease
	 */
	public static WebLease keep(OnceOnly onceOnly, Heartbeats heartbeats, LeaseEvents events, String path, String key,
			String leaseId, Duration ttl, Duration period, long takenAtNanos, WebObservation observation) {
		LeaseKeeper keeper = heartbeats.keep(path, key, ttl, period, takenAtNanos,
				() -> onceOnly.ai().extend(key, leaseId, ttl), events);
		return new WebLease(onceOnly, path, key, leaseId, keeper, observation);
	}

	/** The key. */
	public String key() {
		return this.key;
	}

	/** True once a heartbeat or a completion found the lease taken over or removed. */
	public boolean lost() {
		return this.keeper.lost();
	}

	/**
	 * Records that the handler ran with {@code result}: retried while the lease is held.
	 * A result the backend refuses to store ({@link LeaseKeeper#refused}: a validation
	 * error, an API answer 4xx) is recorded as failed with
	 * {@value ResultNotSerializableException#REJECTED} so the handler does not run again
	 * for this key.
	 * @param result the result to store
	 * @param resultHash the result hash to store, or {@code null}
	 * @return {@code null} when the outcome was recorded, else the reported
	 * {@link OutcomeUnknownException}
	 */
	public @Nullable OutcomeUnknownException complete(Map<String, ?> result, @Nullable String resultHash) {
		if (!this.settled.compareAndSet(false, true)) {
			return null;
		}
		try (WebObservation.Scope scope = this.observation.openScope()) {
			return record(result, resultHash);
		}
	}

	private @Nullable OutcomeUnknownException record(Map<String, ?> result, @Nullable String resultHash) {
		try {
			this.keeper.record(() -> this.onceOnly.ai().complete(this.key, this.leaseId, result, resultHash));
			return null;
		}
		catch (StaleLeaseException ex) {
			// the lease is no longer ours: either an earlier attempt recorded the outcome
			// and its answer was lost, or the lease was taken over; a completed key means
			// an outcome is recorded (ours, or that of whoever took the key over)
			return completed() ? null : this.keeper.outcomeUnknown(ex);
		}
		catch (OutcomeUnknownException ex) {
			return ex;
		}
		catch (RuntimeException ex) {
			return LeaseKeeper.refused(ex) ? failTerminally(ex) : this.keeper.outcomeUnknown(ex);
		}
		finally {
			this.keeper.close();
		}
	}

	private @Nullable OutcomeUnknownException failTerminally(RuntimeException refused) {
		logger.warn("OnceOnly " + this.path + ": the backend refused to store the outcome of key '" + this.key
				+ "'; recording it as failed/" + ResultNotSerializableException.REJECTED
				+ " so the handler does not run again", refused);
		try {
			this.keeper.record(() -> this.onceOnly.ai()
				.fail(this.key, this.leaseId, ResultNotSerializableException.REJECTED, null));
			return null;
		}
		catch (OutcomeUnknownException ex) {
			return ex;
		}
		catch (RuntimeException ex) {
			return this.keeper.outcomeUnknown(ex);
		}
	}

	private boolean completed() {
		try {
			return this.onceOnly.ai().status(this.key).leaseStatus() == LeaseStatus.COMPLETED;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Releases the key so a retry runs the handler: only for a handler that threw or
	 * answered a status that is not recorded, or that never ran. A release that fails
	 * leaves the key to expire with its lease.
	 * @param reason why, for the backend's records
	 */
	public void release(String reason) {
		if (!this.settled.compareAndSet(false, true)) {
			return;
		}
		this.keeper.close();
		try (WebObservation.Scope scope = this.observation.openScope()) {
			this.onceOnly.ai().cancel(this.key, this.leaseId, reason);
		}
		catch (StaleLeaseException ex) {
			logger.warn("OnceOnly " + this.path + ": could not release key '" + this.key
					+ "': its lease was already taken over or removed");
		}
		catch (RuntimeException ex) {
			logger.warn("OnceOnly " + this.path + ": could not release key '" + this.key
					+ "'; it is freed when its lease expires", ex);
		}
	}

	/**
	 * Stops heartbeating and leaves the lease as it is, to expire after its ttl: for work
	 * that may still be running but can no longer be followed (an async request that
	 * timed out). Retries get 409 until then, and run the handler again after.
	 */
	public void abandon() {
		if (this.settled.compareAndSet(false, true)) {
			this.keeper.close();
			logger.warn("OnceOnly " + this.path + ": key '" + this.key + "' is left to expire with its lease: the "
					+ "handler may still be running and its outcome cannot be followed");
		}
	}

}
