package tech.onceonly.client;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one exactly-once {@code runFn} flow, used by the local engine, the blocking client
 * of the OnceOnly API and the reactive client alike: lease the key; run the work on the
 * calling thread while heartbeats keep the lease; record its outcome; or, when someone
 * else holds the key, wait for their outcome and take the key over if they stop.
 * <p>
 * The rule after the work may have run: the key is released for another run only when the
 * work itself threw. When recording the outcome fails, it is retried while the lease is
 * held ({@link LeaseKeeper#record}); a result that cannot be serialised is recorded as
 * {@code failed}/{@value ResultNotSerializableException#ERROR_CODE}; when the lease is
 * lost first, the caller gets an {@link OutcomeUnknownException} and the lease is left to
 * expire, never cancelled.
 */
public final class RunFnFlow {

	/** The {@link LeaseEvents} path of this flow. */
	public static final String PATH = "run_fn";

	private final Backend backend;

	private final JsonMapper json;

	private final Heartbeats heartbeats;

	private final LeaseEvents events;

	/**
	 * The flow on a backend.
	 * @param backend the lease operations
	 * @param json the mapper that turns return values into result objects
	 * @param heartbeats the heartbeats that keep leases while the work runs
	 * @param events where lost leases and unknown outcomes are reported
	 */
	public RunFnFlow(Backend backend, JsonMapper json, Heartbeats heartbeats, LeaseEvents events) {
		this.backend = Objects.requireNonNull(backend, "backend");
		this.json = Objects.requireNonNull(json, "json");
		this.heartbeats = Objects.requireNonNull(heartbeats, "heartbeats");
		this.events = Objects.requireNonNull(events, "events");
	}

	/**
	 * The flow over a reactive client, each call waited for on the calling thread (never
	 * an event-loop thread).
	 * @param ai the reactive leases API
	 * @param json the mapper that turns return values into result objects
	 * @param heartbeats the heartbeats
	 * @param events where lost leases and unknown outcomes are reported
	 * @return the flow
	 */
	public static RunFnFlow overReactive(Supplier<ReactiveOnceOnlyAi> ai, JsonMapper json, Heartbeats heartbeats,
			LeaseEvents events) {
		return new RunFnFlow(new ReactiveBackend(ai), json, heartbeats, events);
	}

	/**
	 * The reactive form of a blocking {@code runFn}: {@code run} is called on
	 * {@code scheduler} with a function that subscribes {@code fn} (with the subscriber's
	 * context) and waits for it. The work is detached from the subscription: a subscriber
	 * that cancels (a client that disconnected) neither interrupts the work nor releases
	 * its key; its outcome is recorded when it ends.
	 * @param scheduler where the blocking flow runs
	 * @param fn the work
	 * @param run the blocking {@code runFn} to call with the blocking form of {@code fn}
	 * @return the result
	 */
	public static Mono<AiResult> detached(Scheduler scheduler, Supplier<? extends Mono<?>> fn,
			Function<Supplier<?>, AiResult> run) {
		return Mono.deferContextual((context) -> {
			CompletableFuture<AiResult> outcome = new CompletableFuture<>();
			scheduler.schedule(() -> {
				try {
					outcome.complete(run.apply(() -> fn.get().contextWrite(context).block()));
				}
				catch (Throwable ex) {
					outcome.completeExceptionally(ex);
				}
			});
			return Mono.fromFuture(outcome, true);
		});
	}

	/**
	 * Runs {@code fn} once for {@code key} and answers with the stored result (see
	 * {@link OnceOnlyAi#runFn}).
	 * @param key the key
	 * @param fn the work
	 * @param options lease, heartbeat, wait and failure settings
	 * @return the result: this run's, or the first run's when the key was done (then
	 * {@link AiResult#replayed()})
	 * @throws OutcomeUnknownException when the work ran but its outcome could not be
	 * recorded before the lease was lost
	 * @throws ResultNotSerializableException when the work's return value cannot be
	 * stored (the key is recorded as failed)
	 */
	public AiResult run(String key, Supplier<?> fn, RunFnOptions options) {
		long deadline = this.heartbeats.nanoTime() + options.waitOptions().timeout().toNanos();
		int takeOvers = 0;
		while (true) {
			long sentAt = this.heartbeats.nanoTime();
			Attempt attempt = this.backend.acquire(key, options);
			if (attempt.leaseId() != null) {
				return execute(key, attempt.leaseId(), sentAt, fn, options);
			}
			if (attempt.terminal() != null) {
				return attempt.terminal().asReplay();
			}
			if (!options.waitOnConflict()) {
				return AiResult.synthetic(
						attempt.status().isEmpty() ? LeaseStatus.IN_PROGRESS.wireValue() : attempt.status(), key,
						"not_acquired");
			}
			if (takeOvers++ > 0) {
				// the key looked free but was taken again: do not spin
				sleep(options.waitOptions().pollMin());
			}
			AiResult settled = await(key, options.waitOptions(), deadline, true);
			if (settled != null) {
				return settled.asReplay();
			}
			// the holder released the key or stopped heartbeating: take it over
		}
	}

	private AiResult execute(String key, String leaseId, long sentAt, Supplier<?> fn, RunFnOptions options) {
		Duration ttl = options.ttl();
		try (LeaseKeeper keeper = this.heartbeats.keep(PATH, key, ttl, options.heartbeatPeriod(), sentAt,
				() -> this.backend.extend(key, leaseId, ttl), this.events)) {
			Object value;
			try {
				value = fn.get();
			}
			catch (Throwable ex) {
				// the work itself failed: the only case that may free the key
				keeper.close();
				release(key, leaseId, options, ex);
				throw RunFnFlow.<RuntimeException>sneaky(ex);
			}
			Map<String, Object> result;
			String resultJson;
			try {
				result = ResultObjects.toResultObject(value, this.json);
				resultJson = (result != null) ? this.json.writeValueAsString(result) : null;
			}
			catch (RuntimeException ex) {
				throw notStorable(key, leaseId, keeper, ResultNotSerializableException.ERROR_CODE, ex);
			}
			try {
				return keeper.record(() -> this.backend.complete(key, leaseId, result, resultJson));
			}
			catch (StaleLeaseException ex) {
				return storedOutcome(key, keeper, ex);
			}
			catch (RuntimeException ex) {
				if (LeaseKeeper.refused(ex)) {
					throw notStorable(key, leaseId, keeper, ResultNotSerializableException.REJECTED, ex);
				}
				throw ex;
			}
		}
	}

	/** Records the key as failed because the result cannot be stored. */
	private ResultNotSerializableException notStorable(String key, String leaseId, LeaseKeeper keeper, String errorCode,
			RuntimeException cause) {
		ResultNotSerializableException error = new ResultNotSerializableException(key, errorCode, cause);
		try {
			keeper.record(() -> {
				this.backend.fail(key, leaseId, errorCode);
				return Boolean.TRUE;
			});
		}
		catch (RuntimeException ex) {
			error.addSuppressed(ex);
		}
		return error;
	}

	/**
	 * After the store refused a completion as stale: the key's stored outcome when it has
	 * one (an earlier attempt whose answer was lost, or a worker that took over), else an
	 * unknown outcome.
	 */
	private AiResult storedOutcome(String key, LeaseKeeper keeper, StaleLeaseException stale) {
		Observation observation;
		try (Watch watch = this.backend.watch(key)) {
			observation = watch.read();
		}
		catch (RuntimeException ex) {
			stale.addSuppressed(ex);
			throw keeper.outcomeUnknown(stale);
		}
		if (observation.terminal() != null) {
			return observation.terminal();
		}
		throw keeper.outcomeUnknown(stale);
	}

	private void release(String key, String leaseId, RunFnOptions options, Throwable failure) {
		try {
			if (options.recordFailure().test(failure)) {
				this.backend.fail(key, leaseId, options.errorCode());
			}
			else {
				this.backend.cancel(key, leaseId, options.errorCode());
			}
		}
		catch (RuntimeException ex) {
			// the lease then expires after its ttl
			failure.addSuppressed(ex);
		}
	}

	/**
	 * Waits until the key is terminal (its result), free again when
	 * {@code returnWhenFree} ({@code null}), or {@code deadline} ({@link System#nanoTime}
	 * scale of the heartbeats) passes (a synthetic {@code failed}/{@code timeout}
	 * result). The key is read at least once. With {@code autoExtend} and a lease id in
	 * {@code options}, that lease is extended every {@code extendEvery} while waiting
	 * (errors ignored, as in the SDKs).
	 * @param key the key
	 * @param options poll and heartbeat settings
	 * @param deadline when to give up
	 * @param returnWhenFree whether a free key ends the wait
	 * @return the result, or {@code null} when the key is free
	 */
	public @Nullable AiResult await(String key, WaitOptions options, long deadline, boolean returnWhenFree) {
		long lastExtend = 0;
		boolean extended = false;
		try (Watch watch = this.backend.watch(key)) {
			while (true) {
				Observation observation = watch.read();
				if (observation.terminal() != null) {
					return observation.terminal();
				}
				long now = this.heartbeats.nanoTime();
				if (now - deadline >= 0) {
					return AiResult.waitTimeout(key);
				}
				if (returnWhenFree && observation.free()) {
					return null;
				}
				String leaseId = options.leaseId();
				if (options.autoExtend() && leaseId != null && !leaseId.isEmpty()
						&& (!extended || now - lastExtend >= options.extendEvery().toNanos())) {
					extended = true;
					lastExtend = now;
					try {
						this.backend.extend(key, leaseId, (options.ttl() != null) ? options.ttl() : Duration.ZERO);
					}
					catch (RuntimeException ex) {
						// heartbeat errors are ignored while waiting, as in the SDKs
					}
				}
				Duration hint = (observation.retryAfter() != null) ? observation.retryAfter() : options.pollMin();
				Duration sleep = clamp(hint, options.pollMin(), options.pollMax());
				Duration left = Duration.ofNanos(deadline - now);
				watch.pause((sleep.compareTo(left) < 0) ? sleep : left);
			}
		}
	}

	/** {@code value} within {@code [min, max]}; {@code min} when the bounds cross. */
	public static Duration clamp(Duration value, Duration min, Duration max) {
		if (min.compareTo(max) > 0 || value.compareTo(min) < 0) {
			return min;
		}
		return (value.compareTo(max) > 0) ? max : value;
	}

	@SuppressWarnings("unchecked")
	private static <T extends Throwable> T sneaky(Throwable ex) throws T {
		throw (T) ex;
	}

	/** Sleeps {@code duration}; an interrupt ends the wait with an error. */
	static void sleep(Duration duration) {
		try {
			Thread.sleep(Math.max(0, duration.toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for a OnceOnly result", ex);
		}
	}

	/**
	 * The lease operations the flow needs of a backend. Each method is one call to the
	 * backend; failures are thrown as they are.
	 */
	public interface Backend {

		/**
		 * Leases {@code key} with the options' ttl and metadata.
		 * @param key the key
		 * @param options the options
		 * @return acquired (a lease id), terminal (the stored result) or held by someone
		 * else
		 */
		Attempt acquire(String key, RunFnOptions options);

		/**
		 * Renews a held lease.
		 * @throws StaleLeaseException when the lease is no longer held
		 */
		void extend(String key, String leaseId, Duration ttl);

		/**
		 * Completes a held lease with a result.
		 * @param result the result object, or {@code null}
		 * @param resultJson the same result as JSON text, or {@code null}
		 * @return the stored result
		 * @throws StaleLeaseException when the lease is no longer held
		 */
		AiResult complete(String key, String leaseId, @Nullable Map<String, Object> result,
				@Nullable String resultJson);

		/**
		 * Records a held lease as failed.
		 * @throws StaleLeaseException when the lease is no longer held
		 */
		void fail(String key, String leaseId, String errorCode);

		/**
		 * Releases a held lease.
		 * @throws StaleLeaseException when the lease is no longer held
		 */
		void cancel(String key, String leaseId, String reason);

		/** A watch on the key's state, closed when the wait ends. */
		Watch watch(String key);

	}

	/**
	 * Reads a key's state and waits between reads (woken early where the backend can).
	 */
	public interface Watch extends AutoCloseable {

		/** The key's state now. */
		Observation read();

		/** Waits up to {@code max}, or less when the key changes. */
		void pause(Duration max);

		@Override
		void close();

	}

	/**
	 * The answer to a lease request.
	 *
	 * @param status the answer's status
	 * @param leaseId the lease id when acquired
	 * @param terminal the stored result when the key is done
	 */
	public record Attempt(String status, @Nullable String leaseId, @Nullable AiResult terminal) {

		/** The lease was taken. */
		public static Attempt acquired(String leaseId) {
			return new Attempt(LeaseStatus.ACQUIRED.wireValue(), leaseId, null);
		}

		/** The key is done; its stored result. */
		public static Attempt done(AiResult result) {
			return new Attempt(result.status(), null, result);
		}

		/** Someone else holds the key. */
		public static Attempt held(String status) {
			return new Attempt(status, null, null);
		}

	}

	/**
	 * A key's state.
	 *
	 * @param terminal the stored result when the key is done
	 * @param free whether anyone may lease the key now (released, expired or absent)
	 * @param retryAfter when to read again, when the backend says
	 */
	public record Observation(@Nullable AiResult terminal, boolean free, @Nullable Duration retryAfter) {

	}

	/** The flow's backend over a reactive client, blocking on each call. */
	private static final class ReactiveBackend implements Backend {

		private final Supplier<ReactiveOnceOnlyAi> ai;

		ReactiveBackend(Supplier<ReactiveOnceOnlyAi> ai) {
			this.ai = ai;
		}

		@Override
		public Attempt acquire(String key, RunFnOptions options) {
			AiRun run = ReactiveOnceOnlyBlockingAdapter
				.await(this.ai.get().lease(key, options.ttl(), options.metadata()));
			LeaseStatus status = run.leaseStatus();
			if (status == LeaseStatus.ACQUIRED) {
				String leaseId = run.leaseId();
				return (leaseId == null || leaseId.isEmpty())
						? Attempt.done(AiResult.synthetic(LeaseStatus.FAILED.wireValue(), key, "missing_lease_id"))
						: Attempt.acquired(leaseId);
			}
			if (status.isTerminal()) {
				return Attempt.done(ReactiveOnceOnlyBlockingAdapter.await(this.ai.get().result(key)));
			}
			return Attempt.held(run.status());
		}

		@Override
		public void extend(String key, String leaseId, Duration ttl) {
			ReactiveOnceOnlyBlockingAdapter.await(this.ai.get().extend(key, leaseId, ttl.isZero() ? null : ttl));
		}

		@Override
		public AiResult complete(String key, String leaseId, @Nullable Map<String, Object> result,
				@Nullable String resultJson) {
			ReactiveOnceOnlyBlockingAdapter.await(this.ai.get().complete(key, leaseId, result, null));
			// read back, as the SDKs do: the stored result as the server keeps it
			return ReactiveOnceOnlyBlockingAdapter.await(this.ai.get().result(key));
		}

		@Override
		public void fail(String key, String leaseId, String errorCode) {
			ReactiveOnceOnlyBlockingAdapter.await(this.ai.get().fail(key, leaseId, errorCode, null));
		}

		@Override
		public void cancel(String key, String leaseId, String reason) {
			ReactiveOnceOnlyBlockingAdapter.await(this.ai.get().cancel(key, leaseId, reason));
		}

		@Override
		public Watch watch(String key) {
			return new Watch() {

				@Override
				public Observation read() {
					AiStatus status = ReactiveOnceOnlyBlockingAdapter.await(ReactiveBackend.this.ai.get().status(key));
					if (status.isTerminal()) {
						return new Observation(
								ReactiveOnceOnlyBlockingAdapter.await(ReactiveBackend.this.ai.get().result(key)), false,
								null);
					}
					boolean free = status.leaseStatus().isFree();
					Long retryAfter = status.retryAfterSec();
					return new Observation(null, free, (retryAfter != null) ? Duration.ofSeconds(retryAfter) : null);
				}

				@Override
				public void pause(Duration max) {
					sleep(max);
				}

				@Override
				public void close() {
				}

			};
		}

	}

}
