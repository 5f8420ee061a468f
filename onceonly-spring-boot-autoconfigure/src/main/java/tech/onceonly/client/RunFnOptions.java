package tech.onceonly.client;

import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * How {@code runFn} runs a function exactly once under a lease.
 *
 * @param ttl the lease time; a holder that stops heartbeating loses the key after this
 * long
 * @param metadata metadata stored with the lease
 * @param extendEvery the heartbeat interval; {@link Duration#ZERO} (the default) for a
 * third of the ttl, at most 30 s. A set interval must be at most half the ttl
 * @param waitOnConflict whether a caller that finds the work in progress waits for its
 * result
 * @param waitOptions how such a caller waits
 * @param errorCode the error code recorded when the function fails terminally
 * @param recordFailure which exceptions are recorded as a terminal failure
 * ({@code fail}); every other exception releases the lease ({@code cancel}) so the work
 * may run again. The SDKs record every exception.
 */
public record RunFnOptions(Duration ttl, @Nullable Map<String, Object> metadata, Duration extendEvery,
		boolean waitOnConflict, WaitOptions waitOptions, String errorCode, Predicate<Throwable> recordFailure) {

	public RunFnOptions {
		Heartbeats.checkPeriod(ttl, extendEvery, "runFn options");
	}

	/**
	 * The SDKs' defaults: 300 s lease, heartbeat every 30 s (a third of the ttl, at most
	 * 30 s, when the ttl changes), wait 60 s on conflict, record every failure.
	 */
	public static RunFnOptions defaults() {
		return new RunFnOptions(Duration.ofSeconds(300), null, Duration.ZERO, true, WaitOptions.defaults(), "fn_error",
				(ex) -> true);
	}

	/** These options with another lease time. */
	public RunFnOptions withTtl(Duration value) {
		return new RunFnOptions(value, this.metadata, this.extendEvery, this.waitOnConflict, this.waitOptions,
				this.errorCode, this.recordFailure);
	}

	/** These options with metadata. */
	public RunFnOptions withMetadata(@Nullable Map<String, Object> value) {
		return new RunFnOptions(this.ttl, value, this.extendEvery, this.waitOnConflict, this.waitOptions,
				this.errorCode, this.recordFailure);
	}

	/** These options with another heartbeat interval. */
	public RunFnOptions withExtendEvery(Duration value) {
		return new RunFnOptions(this.ttl, this.metadata, value, this.waitOnConflict, this.waitOptions, this.errorCode,
				this.recordFailure);
	}

	/** These options with another conflict behaviour. */
	public RunFnOptions withWaitOnConflict(boolean value, WaitOptions waitOptions) {
		return new RunFnOptions(this.ttl, this.metadata, this.extendEvery, value, waitOptions, this.errorCode,
				this.recordFailure);
	}

	/** These options with another failure classification and error code. */
	public RunFnOptions withFailure(String code, Predicate<Throwable> record) {
		return new RunFnOptions(this.ttl, this.metadata, this.extendEvery, this.waitOnConflict, this.waitOptions, code,
				record);
	}

	/**
	 * The heartbeat interval in effect: {@code extendEvery}, or the default for the ttl.
	 */
	public Duration heartbeatPeriod() {
		return Heartbeats.period(this.ttl, this.extendEvery);
	}

}
