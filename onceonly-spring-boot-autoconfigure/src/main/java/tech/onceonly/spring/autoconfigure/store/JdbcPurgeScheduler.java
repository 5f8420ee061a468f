package tech.onceonly.spring.autoconfigure.store;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

import tech.onceonly.store.jdbc.JdbcPurge;

/**
 * Runs a {@link JdbcPurge} every {@code interval} (the first run after a random part of
 * one interval, so instances started together do not all try at once) on one daemon
 * thread, from context start to stop. A failed run is logged and reported to the
 * recorder; the next one runs as scheduled.
 */
public final class JdbcPurgeScheduler implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(JdbcPurgeScheduler.class);

	private final JdbcPurge purge;

	private final Duration interval;

	private final Recorder recorder;

	private volatile @Nullable ScheduledExecutorService executor;

	/**
	 * A scheduler of {@code purge}.
	 * @param purge the purge to run
	 * @param interval the time between the end of one run and the start of the next
	 * (positive)
	 * @param recorder told of every run
	 */
	public JdbcPurgeScheduler(JdbcPurge purge, Duration interval, Recorder recorder) {
		this.purge = Objects.requireNonNull(purge, "purge");
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException(
					"onceonly.store.jdbc.purge.interval must be positive (e.g. 5m), was " + interval);
		}
		this.interval = interval;
		this.recorder = Objects.requireNonNull(recorder, "recorder");
	}

	/** The time between runs. */
	public Duration interval() {
		return this.interval;
	}

	/**
	 * Runs the purge once now, on the calling thread, and reports it.
	 * @return the run's result, or {@code null} when it failed (the failure is logged)
	 */
	public JdbcPurge.@Nullable Result runNow() {
		long start = System.nanoTime();
		try {
			JdbcPurge.Result result = this.purge.run();
			this.recorder.ran(result);
			if (result.ran() && logger.isDebugEnabled()) {
				logger.debug("OnceOnly JDBC purge deleted " + result.deleted() + " in " + result.duration());
			}
			if (!result.complete()) {
				logger.info("OnceOnly JDBC purge stopped at its time limit with rows left (deleted " + result.deleted()
						+ "); the next run continues");
			}
			return result;
		}
		catch (RuntimeException ex) {
			this.recorder.failed(Duration.ofNanos(System.nanoTime() - start), ex);
			logger.warn("OnceOnly JDBC purge failed; retried in " + this.interval + ": " + ex.getMessage());
			return null;
		}
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "onceonly-jdbc-purge");
			thread.setDaemon(true);
			return thread;
		});
		long period = this.interval.toMillis();
		long first = ThreadLocalRandom.current().nextLong(Math.max(1, period)) + 1;
		executor.scheduleWithFixedDelay(this::runNow, first, Math.max(1, period), TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.executor;
		if (executor != null) {
			executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	/** Told of every run (metrics). */
	public interface Recorder {

		/** Records nothing. */
		Recorder NONE = new Recorder() {
		};

		/** A run finished; {@link JdbcPurge.Result#ran()} is false when another ran. */
		default void ran(JdbcPurge.Result result) {
		}

		/** A run failed after {@code duration}. */
		default void failed(Duration duration, RuntimeException failure) {
		}

	}

}
