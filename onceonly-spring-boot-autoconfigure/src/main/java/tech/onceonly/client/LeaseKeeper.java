package tech.onceonly.client;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One lease kept alive while its work runs (see {@link Heartbeats#keep}), and the rule
 * for recording the work's outcome: once the work may have run, the outcome is recorded
 * with retries while the lease is still held, and never by releasing the key.
 * <p>
 * The lease counts as held until the store answers that it is not
 * ({@link StaleLeaseException}), or until a ttl has passed since the last heartbeat (or
 * acquire) the store confirmed, counted from before that call was sent.
 */
public final class LeaseKeeper implements AutoCloseable {

	private static final Duration FIRST_RETRY = Duration.ofMillis(25);

	private static final Duration MAX_RETRY = Duration.ofSeconds(2);

	private final Heartbeats heartbeats;

	private final String path;

	private final String key;

	private final long ttlNanos;

	private final Runnable extend;

	private final LeaseEvents events;

	private final AtomicLong confirmedAt;

	private final AtomicBoolean lost = new AtomicBoolean();

	private final AtomicBoolean beating = new AtomicBoolean();

	private volatile boolean closed;

	/** The heartbeat period in ticks of the sweep. */
	private final long everyTicks;

	/** The tick at which the next heartbeat is due; read and written by the sweep. */
	private long dueTick;

	LeaseKeeper(Heartbeats heartbeats, String path, String key, Duration ttl, long confirmedAtNanos, Runnable extend,
			LeaseEvents events, long everyTicks, long firstDueTick) {
		this.heartbeats = heartbeats;
		this.path = path;
		this.key = key;
		this.ttlNanos = ttl.toNanos();
		this.extend = extend;
		this.events = events;
		this.confirmedAt = new AtomicLong(confirmedAtNanos);
		this.everyTicks = everyTicks;
		this.dueTick = firstDueTick;
	}

	/**
	 * Whether a heartbeat is due at {@code tick}; when it is, the next one is due a
	 * period later (a lease whose heartbeat is still in flight skips this turn).
	 */
	boolean due(long tick) {
		if (this.closed || this.lost.get()) {
			this.heartbeats.forget(this);
			return false;
		}
		if (tick - this.dueTick < 0) {
			return false;
		}
		this.dueTick = tick + this.everyTicks;
		return true;
	}

	boolean beginBeat() {
		return !this.closed && !this.lost.get() && this.beating.compareAndSet(false, true);
	}

	void endBeat() {
		this.beating.set(false);
	}

	/** One heartbeat: renew, and remember when the store confirmed it. */
	void beat() {
		try {
			if (this.closed || this.lost.get()) {
				return;
			}
			long sentAt = this.heartbeats.nanoTime();
			this.extend.run();
			this.confirmedAt.accumulateAndGet(sentAt, Math::max);
		}
		catch (StaleLeaseException ex) {
			markLost();
		}
		catch (RuntimeException ex) {
			// a missed heartbeat is retried at the next tick; the ttl absorbs short
			// outages, and held() tells when it no longer does
		}
		finally {
			endBeat();
		}
	}

	private void markLost() {
		if (this.lost.compareAndSet(false, true)) {
			this.heartbeats.forget(this);
			this.events.leaseLost(this.path, this.key);
		}
	}

	/** True once the store answered that this lease is no longer held. */
	public boolean lost() {
		return this.lost.get();
	}

	/**
	 * True while the lease is held as far as this caller can tell: not found lost, and
	 * less than a ttl since the store last confirmed it.
	 */
	public boolean held() {
		return !this.lost.get() && this.heartbeats.nanoTime() - this.confirmedAt.get() < this.ttlNanos;
	}

	/**
	 * Records the work's outcome with {@code record}, retrying failures with backoff
	 * while the lease is {@link #held()}, and for at most one ttl. Errors that retrying
	 * cannot mend ({@link ValidationException}) are thrown at once.
	 * @param <T> the answer type
	 * @param record one attempt to record the outcome; throws {@link StaleLeaseException}
	 * when the lease is no longer held
	 * @return the answer of the attempt that succeeded
	 * @throws StaleLeaseException when the store answered that the lease is not held, to
	 * this call or to a heartbeat (the outcome may still have been recorded by an earlier
	 * attempt whose answer was lost: read the key to tell)
	 * @throws OutcomeUnknownException when the lease was lost before an attempt succeeded
	 */
	public <T> T record(Supplier<T> record) {
		Duration pause = FIRST_RETRY;
		int attempt = 0;
		long giveUpAt = 0;
		while (true) {
			attempt++;
			try {
				return record.get();
			}
			catch (StaleLeaseException ex) {
				if (attempt == 1) {
					// no earlier attempt could have recorded anything: the lease is gone
					markLost();
				}
				// after a failed attempt, whose answer may have been lost after it
				// recorded the outcome, the caller reads the key to tell
				throw ex;
			}
			catch (RuntimeException ex) {
				if (refused(ex)) {
					throw ex;
				}
				long now = this.heartbeats.nanoTime();
				if (attempt == 1) {
					// even while heartbeats succeed, retry for at most one ttl
					giveUpAt = now + this.ttlNanos;
				}
				if (lost()) {
					// the store said the lease is gone: maybe because an earlier attempt
					// completed it and its answer was lost; the caller reads the key
					StaleLeaseException stale = new StaleLeaseException(this.key);
					stale.addSuppressed(ex);
					throw stale;
				}
				if (!held() || now - giveUpAt >= 0) {
					throw outcomeUnknown(ex);
				}
				this.events.completionRetried(this.path, this.key, attempt, ex);
				sleep(pause);
				pause = pause.multipliedBy(2);
				if (pause.compareTo(MAX_RETRY) > 0) {
					pause = MAX_RETRY;
				}
			}
		}
	}

	/**
	 * Whether {@code ex} refuses the request itself, so repeating it cannot help: a
	 * {@link ValidationException}, or an API answer 4xx other than 408, 409, 425 and 429.
	 * @param ex the failure
	 * @return true when retrying is pointless
	 */
	public static boolean refused(Throwable ex) {
		if (ex instanceof ValidationException) {
			return true;
		}
		if (ex instanceof ApiException api && api.getStatusCode() != null) {
			int status = api.getStatusCode();
			return status >= 400 && status < 500 && status != 408 && status != 409 && status != 425 && status != 429;
		}
		return false;
	}

	/**
	 * Reports that the work's outcome cannot be known (logged and counted) and returns
	 * the exception for the caller.
	 * @param cause the last failure
	 * @return the exception to throw
	 */
	public OutcomeUnknownException outcomeUnknown(Throwable cause) {
		this.events.outcomeUnknown(this.path, this.key, cause);
		return new OutcomeUnknownException(this.key, cause);
	}

	private static void sleep(Duration pause) {
		try {
			Thread.sleep(pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while recording a OnceOnly outcome", ex);
		}
	}

	/** Stops the heartbeats; the lease itself is left as it is. */
	@Override
	public void close() {
		this.closed = true;
		this.heartbeats.forget(this);
	}

}
