package tech.onceonly.engine.governance;

import java.time.Duration;

import tech.onceonly.client.Heartbeats;

/**
 * The governance engine's settings.
 *
 * @param dedupWindow how long an executed call's result is replayed to identical calls
 * ({@link Duration#ZERO} turns dedup off)
 * @param toolLeaseTtl how long a call in flight holds its dedup lease without a
 * heartbeat: the call's heartbeats renew it while the tool runs, so this is how soon a
 * concurrent identical call takes over the claim of a caller that died (a call in a
 * server-side run uses the run's lease ttl when that is shorter)
 * @param dedupWaitTimeout how long an identical call waits for the one in flight before
 * answering without a result; at least {@code toolLeaseTtl} lets it outwait the claim of
 * a caller that died and take over
 * @param runWorkers threads executing server-side runs
 * @param runQueueCapacity runs waiting for a worker before new runs are refused
 * ({@code worker_busy})
 * @param maxRunActions actions executed per run (the rest are ignored)
 * @param httpRetryBackoff the pause before retry n of a registered HTTP tool is n times
 * this
 * @param heartbeatEvery the heartbeat period of dedup leases and server-side run leases,
 * at most half of {@code toolLeaseTtl}; {@link Duration#ZERO} for a third of the lease's
 * ttl (at most 30 s)
 */
public record GovernanceSettings(Duration dedupWindow, Duration toolLeaseTtl, Duration dedupWaitTimeout, int runWorkers,
		int runQueueCapacity, int maxRunActions, Duration httpRetryBackoff, Duration heartbeatEvery) {

	/**
	 * Checks the settings.
	 * @throws IllegalArgumentException when a value is out of range, or
	 * {@code heartbeatEvery} cannot keep a lease of {@code toolLeaseTtl} alive
	 */
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
		if (heartbeatEvery.isNegative()) {
			throw new IllegalArgumentException("GovernanceSettings: heartbeatEvery must not be negative, was "
					+ heartbeatEvery + "; use Duration.ZERO for a third of each lease's ttl");
		}
		if (heartbeatEvery.multipliedBy(2).compareTo(toolLeaseTtl) > 0) {
			throw new IllegalArgumentException("GovernanceSettings: heartbeatEvery (" + heartbeatEvery
					+ ") must be at most half of toolLeaseTtl (" + toolLeaseTtl
					+ ") so a heartbeat renews a dedup lease before it expires; use Duration.ZERO for a third of the ttl");
		}
	}

	/**
	 * A 24 h dedup window, 30 s tool leases heartbeated every 10 s, 60 s dedup waits, 2
	 * run workers with 100 queued runs, 50 actions per run, 200 ms retry back-off.
	 */
	public static GovernanceSettings defaults() {
		return new GovernanceSettings(Duration.ofHours(24), Duration.ofSeconds(30), Duration.ofSeconds(60), 2, 100, 50,
				Duration.ofMillis(200), Duration.ZERO);
	}

	/** These settings with another dedup window. */
	public GovernanceSettings withDedupWindow(Duration value) {
		return new GovernanceSettings(value, this.toolLeaseTtl, this.dedupWaitTimeout, this.runWorkers,
				this.runQueueCapacity, this.maxRunActions, this.httpRetryBackoff, this.heartbeatEvery);
	}

	/** These settings with another dedup lease ttl. */
	public GovernanceSettings withToolLeaseTtl(Duration value) {
		return new GovernanceSettings(this.dedupWindow, value, this.dedupWaitTimeout, this.runWorkers,
				this.runQueueCapacity, this.maxRunActions, this.httpRetryBackoff, this.heartbeatEvery);
	}

	/** These settings with another wait of identical calls. */
	public GovernanceSettings withDedupWaitTimeout(Duration value) {
		return new GovernanceSettings(this.dedupWindow, this.toolLeaseTtl, value, this.runWorkers,
				this.runQueueCapacity, this.maxRunActions, this.httpRetryBackoff, this.heartbeatEvery);
	}

	/** These settings with another number of run workers. */
	public GovernanceSettings withRunWorkers(int value) {
		return new GovernanceSettings(this.dedupWindow, this.toolLeaseTtl, this.dedupWaitTimeout, value,
				this.runQueueCapacity, this.maxRunActions, this.httpRetryBackoff, this.heartbeatEvery);
	}

	/** These settings with another retry back-off for HTTP tools. */
	public GovernanceSettings withHttpRetryBackoff(Duration value) {
		return new GovernanceSettings(this.dedupWindow, this.toolLeaseTtl, this.dedupWaitTimeout, this.runWorkers,
				this.runQueueCapacity, this.maxRunActions, value, this.heartbeatEvery);
	}

	/**
	 * These settings with another heartbeat period (zero: a third of each lease's ttl).
	 */
	public GovernanceSettings withHeartbeatEvery(Duration value) {
		return new GovernanceSettings(this.dedupWindow, this.toolLeaseTtl, this.dedupWaitTimeout, this.runWorkers,
				this.runQueueCapacity, this.maxRunActions, this.httpRetryBackoff, value);
	}

	/**
	 * The heartbeat period of a lease of {@code ttl}: {@code heartbeatEvery} when set and
	 * at most half the ttl, else the default of {@link Heartbeats#period}.
	 */
	Duration heartbeatPeriod(Duration ttl) {
		boolean fits = !this.heartbeatEvery.isZero() && this.heartbeatEvery.multipliedBy(2).compareTo(ttl) <= 0;
		return Heartbeats.period(ttl, fits ? this.heartbeatEvery : null);
	}

}
