package tech.onceonly.client;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How {@code wait} and {@code runAndWait} poll: until terminal or {@code timeout},
 * sleeping the server's {@code retry_after_sec} clamped to [{@code pollMin},
 * {@code pollMax}], extending {@code leaseId} every {@code extendEvery} when
 * {@code autoExtend} is on.
 *
 * @param timeout give up after this long with a synthetic {@code failed/timeout} result
 * @param pollMin the shortest sleep between polls
 * @param pollMax the longest sleep between polls
 * @param autoExtend whether to heartbeat the lease while waiting
 * @param extendEvery the heartbeat interval
 * @param leaseId the lease to heartbeat, if any
 * @param ttl the ttl to extend to
 */
public record WaitOptions(Duration timeout, Duration pollMin, Duration pollMax, boolean autoExtend,
		Duration extendEvery, @Nullable String leaseId, @Nullable Duration ttl) {

	/**
	 * The SDKs' defaults: 60 s timeout, polls between 0.5 s and 5 s, heartbeat every 30
	 * s.
	 */
	public static WaitOptions defaults() {
		return new WaitOptions(Duration.ofSeconds(60), Duration.ofMillis(500), Duration.ofSeconds(5), true,
				Duration.ofSeconds(30), null, null);
	}

	/** These options with another timeout. */
	public WaitOptions withTimeout(Duration value) {
		return new WaitOptions(value, this.pollMin, this.pollMax, this.autoExtend, this.extendEvery, this.leaseId,
				this.ttl);
	}

	/** These options with other poll bounds. */
	public WaitOptions withPoll(Duration min, Duration max) {
		return new WaitOptions(this.timeout, min, max, this.autoExtend, this.extendEvery, this.leaseId, this.ttl);
	}

	/** These options heartbeating the given lease. */
	public WaitOptions withLease(@Nullable String id, @Nullable Duration leaseTtl) {
		return new WaitOptions(this.timeout, this.pollMin, this.pollMax, this.autoExtend, this.extendEvery, id,
				leaseTtl);
	}

}
