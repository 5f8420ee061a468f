package tech.onceonly.engine.governance;

import java.time.Duration;

/**
 * The governance engine's settings.
 *
 * @param dedupWindow how long an executed call's result is replayed to identical calls
 * ({@link Duration#ZERO} turns dedup off)
 * @param toolLeaseTtl how long a call in flight holds its dedup lease; a concurrent
 * identical call waits at most this long for the first one before taking over
 * @param dedupWaitTimeout how long an identical call waits for the one in flight before
 * answering without a result
 * @param runWorkers threads executing server-side runs
 * @param runQueueCapacity runs waiting for a worker before new runs are refused
 * ({@code worker_busy})
 * @param maxRunActions actions executed per run (the rest are ignored)
 * @param httpRetryBackoff the pause before retry n of a registered HTTP tool is n times
 * this
 */
public record GovernanceSettings(Duration dedupWindow, Duration toolLeaseTtl, Duration dedupWaitTimeout, int runWorkers,
		int runQueueCapacity, int maxRunActions, Duration httpRetryBackoff) {

	public GovernanceSettings {
		if (dedupWindow.isNegative()) {
			throw new IllegalArgumentException("dedupWindow must not be negative, was " + dedupWindow);
		}
		if (toolLeaseTtl.toSeconds() < 1 || dedupWaitTimeout.isNegative() || httpRetryBackoff.isNegative()) {
			throw new IllegalArgumentException("toolLeaseTtl must be at least 1 s; waits must not be negative");
		}
		if (runWorkers < 1 || runQueueCapacity < 1 || maxRunActions < 1) {
			throw new IllegalArgumentException("runWorkers, runQueueCapacity and maxRunActions must be at least 1");
		}
	}

	/**
	 * A 24 h dedup window, 5 min tool leases, 60 s dedup waits, 2 run workers with 100
	 * queued runs, 50 actions per run, 200 ms retry back-off.
	 */
	public static GovernanceSettings defaults() {
		return new GovernanceSettings(Duration.ofHours(24), Duration.ofMinutes(5), Duration.ofSeconds(60), 2, 100, 50,
				Duration.ofMillis(200));
	}

	/** These settings with another dedup window. */
	public GovernanceSettings withDedupWindow(Duration value) {
		return new GovernanceSettings(value, this.toolLeaseTtl, this.dedupWaitTimeout, this.runWorkers,
				this.runQueueCapacity, this.maxRunActions, this.httpRetryBackoff);
	}

	/** These settings with another retry back-off for HTTP tools. */
	public GovernanceSettings withHttpRetryBackoff(Duration value) {
		return new GovernanceSettings(this.dedupWindow, this.toolLeaseTtl, this.dedupWaitTimeout, this.runWorkers,
				this.runQueueCapacity, this.maxRunActions, value);
	}

}
