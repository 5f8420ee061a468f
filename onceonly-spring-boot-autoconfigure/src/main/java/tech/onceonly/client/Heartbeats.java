package tech.onceonly.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Keeps leases alive while their work runs. Kept leases are registered in a concurrent
 * set that one periodic sweep on the ticker walks every {@link #TICK} while any lease is
 * kept: it starts the heartbeat of each lease whose period has passed, so work that ends
 * before its first heartbeat costs an add and a remove, not a scheduled task. Each
 * heartbeat's store call runs on a worker pool, so one slow store call never delays the
 * heartbeats of other leases, and a lease whose previous heartbeat is still in flight
 * skips its turn instead of queueing another. A heartbeat is due one period after the
 * lease was kept and every period after that, counted in ticks of the sweep: it starts at
 * most one tick after its period has passed.
 * <p>
 * The default heartbeat period of a lease is a third of its ttl (see
 * {@link #period(Duration, Duration)}), so one heartbeat may fail before the lease
 * expires.
 */
public final class Heartbeats implements AutoCloseable {

	/** The shortest heartbeat period. */
	public static final Duration MIN_PERIOD = Duration.ofMillis(100);

	/** The longest default heartbeat period (the SDKs' 30 s). */
	public static final Duration DEFAULT_MAX_PERIOD = Duration.ofSeconds(30);

	/** How often the sweep looks for leases due for a heartbeat while any is kept. */
	static final Duration TICK = MIN_PERIOD.dividedBy(2);

	private static final long TICK_NANOS = TICK.toNanos();

	private static final Heartbeats SHARED = new Heartbeats(null, null, System::nanoTime);

	private final ScheduledExecutorService ticker;

	private final ExecutorService workers;

	private final boolean ownsTicker;

	private final LongSupplier nanoTime;

	private final Set<LeaseKeeper> keepers = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean sweeping = new AtomicBoolean();

	private final Runnable sweep = this::sweep;

	/** Sweeps run so far; written only by the sweep (one at a time). */
	private volatile long ticks;

	/**
	 * Heartbeats on the given executors.
	 * @param ticker schedules the heartbeats (one thread is enough), or {@code null} for
	 * an own daemon one, stopped by {@link #close()}
	 * @param workers runs the store calls, or {@code null} for a JVM-wide pool of daemon
	 * threads
	 * @param nanoTime the monotonic clock that tells how long a lease has been without a
	 * confirmed heartbeat
	 */
	public Heartbeats(@Nullable ScheduledExecutorService ticker, @Nullable ExecutorService workers,
			LongSupplier nanoTime) {
		this.ownsTicker = ticker == null;
		this.ticker = (ticker != null) ? ticker : ownTicker();
		this.workers = (workers != null) ? workers : SharedWorkers.POOL;
		this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
	}

	/** The JVM-wide heartbeats on daemon threads, for clients that are given none. */
	public static Heartbeats shared() {
		return SHARED;
	}

	private static ScheduledExecutorService ownTicker() {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, daemon("onceonly-heartbeat"));
		// most work ends before its first heartbeat: drop cancelled ones at once
		executor.setRemoveOnCancelPolicy(true);
		return executor;
	}

	private static ThreadFactory daemon(String name) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * The heartbeat period of a lease: {@code configured} when set (non-zero), else a
	 * third of the ttl and at most {@link #DEFAULT_MAX_PERIOD}; never below
	 * {@link #MIN_PERIOD}.
	 * @param ttl the lease ttl
	 * @param configured the configured period, or zero (or {@code null}) for the default
	 * @return the period
	 */
	public static Duration period(Duration ttl, @Nullable Duration configured) {
		Duration period = configured;
		if (period == null || period.isZero()) {
			period = ttl.dividedBy(3);
			period = (period.compareTo(DEFAULT_MAX_PERIOD) > 0) ? DEFAULT_MAX_PERIOD : period;
		}
		return (period.compareTo(MIN_PERIOD) < 0) ? MIN_PERIOD : period;
	}

	/**
	 * Checks that a configured heartbeat period can keep a lease of {@code ttl} alive: at
	 * most half the ttl, so one missed heartbeat does not lose the lease.
	 * @param ttl the lease ttl
	 * @param extendEvery the configured period (zero: the default, a third of the ttl)
	 * @param where what the settings belong to, for the message
	 * @throws IllegalArgumentException when the combination cannot work
	 */
	public static void checkPeriod(Duration ttl, Duration extendEvery, String where) {
		if (ttl.isNegative() || ttl.isZero()) {
			throw new IllegalArgumentException(where + ": the lease ttl must be positive, was " + ttl);
		}
		if (extendEvery.isNegative()) {
			throw new IllegalArgumentException(where + ": extendEvery must not be negative, was " + extendEvery);
		}
		if (!extendEvery.isZero() && extendEvery.multipliedBy(2).compareTo(ttl) > 0) {
			throw new IllegalArgumentException(
					where + ": extendEvery (" + extendEvery + ") must be at most half the lease ttl (" + ttl
							+ ") so a heartbeat renews the lease before it expires; leave extendEvery unset for ttl/3");
		}
	}

	/**
	 * Starts heartbeating a lease that was confirmed (acquired or extended) at
	 * {@code confirmedAtNanos}.
	 * @param path the path holding the lease, for {@link LeaseEvents}
	 * @param key the key, for {@link LeaseEvents} and errors
	 * @param ttl the lease ttl each heartbeat renews
	 * @param period the heartbeat period
	 * @param confirmedAtNanos the {@link #nanoTime()} just before the call that took the
	 * lease was sent
	 * @param extend renews the lease once; throws {@link StaleLeaseException} when the
	 * lease is no longer held
	 * @param events where a lost lease is reported
	 * @return the running keeper; close it when the work ends
	 */
	public LeaseKeeper keep(String path, String key, Duration ttl, Duration period, long confirmedAtNanos,
			Runnable extend, LeaseEvents events) {
		long every = Math.max(1, period.toNanos() / TICK_NANOS);
		// registered between two sweeps: the first heartbeat is due after one period
		// and at most one more tick
		LeaseKeeper keeper = new LeaseKeeper(this, path, key, ttl, confirmedAtNanos, extend, events, every,
				this.ticks + every + 1);
		this.keepers.add(keeper);
		try {
			startSweeping();
		}
		catch (RuntimeException ex) {
			this.keepers.remove(keeper);
			throw ex;
		}
		return keeper;
	}

	/** Stops following a keeper that was closed or lost its lease. */
	void forget(LeaseKeeper keeper) {
		this.keepers.remove(keeper);
	}

	/** The number of leases being kept (for tests). */
	int kept() {
		return this.keepers.size();
	}

	private void startSweeping() {
		if (!this.sweeping.get() && this.sweeping.compareAndSet(false, true)) {
			try {
				this.ticker.schedule(this.sweep, TICK_NANOS, TimeUnit.NANOSECONDS);
			}
			catch (RuntimeException ex) {
				this.sweeping.set(false);
				throw ex;
			}
		}
	}

	/**
	 * One tick: starts the heartbeat of every lease that is due, then schedules the next
	 * tick, or stops while no lease is kept.
	 */
	private void sweep() {
		long tick = this.ticks + 1;
		this.ticks = tick;
		for (LeaseKeeper keeper : this.keepers) {
			try {
				if (keeper.due(tick)) {
					beat(keeper);
				}
			}
			catch (RuntimeException ex) {
				// one lease's failure never stops the sweep of the others
			}
		}
		if (this.keepers.isEmpty()) {
			this.sweeping.set(false);
			// a lease kept meanwhile either saw the sweep stopped and restarted it, or
			// is seen here
			if (this.keepers.isEmpty() || !this.sweeping.compareAndSet(false, true)) {
				return;
			}
		}
		try {
			this.ticker.schedule(this.sweep, TICK_NANOS, TimeUnit.NANOSECONDS);
		}
		catch (RuntimeException ex) {
			// the ticker was shut down: heartbeats stop with it
			this.sweeping.set(false);
		}
	}

	private void beat(LeaseKeeper keeper) {
		if (keeper.beginBeat()) {
			try {
				this.workers.execute(keeper::beat);
			}
			catch (RuntimeException ex) {
				// no worker for it now: the lease tries again at its next turn
				keeper.endBeat();
			}
		}
	}

	/** The JVM-wide pool that runs heartbeat calls, made when first needed. */
	private static final class SharedWorkers {

		static final ExecutorService POOL = Executors.newCachedThreadPool(daemon("onceonly-heartbeat-call"));

	}

	/** The monotonic clock of these heartbeats. */
	public long nanoTime() {
		return this.nanoTime.getAsLong();
	}

	@Override
	public void close() {
		if (this.ownsTicker && this != SHARED) {
			this.ticker.shutdownNow();
			this.keepers.clear();
		}
	}

}
