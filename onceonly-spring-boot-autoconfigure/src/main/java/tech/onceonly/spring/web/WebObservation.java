package tech.onceonly.spring.web;

import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * One observed web request of a OnceOnly feature, with low-cardinality key values only
 * (never keys or ids). Instrumentation never throws into the caller: any failure of a
 * handler or registry is swallowed.
 * <p>
 * The client calls a request makes for itself (its lease, its completion) run inside
 * {@link #openScope()}, so this observation is the current one while they run; the
 * observed client then records no {@code onceonly.client} observation of its own for them
 * unless {@code onceonly.observability.web-client-calls} asks for one (nested in this
 * one).
 */
public final class WebObservation {

	/** The observation of one webhook delivery. */
	public static final String WEBHOOK = "onceonly.webhook";

	/**
	 * The observation of one request carrying, or required to carry, an Idempotency-Key.
	 */
	public static final String IDEMPOTENCY_KEY = "onceonly.idempotency.key";

	/**
	 * The Reactor context key of the current observation (Micrometer's
	 * {@code ObservationThreadLocalAccessor.KEY}).
	 */
	public static final String CONTEXT_KEY = "micrometer.observation";

	private static final WebObservation NOOP = new WebObservation(null);

	private final @Nullable Observation observation;

	private final AtomicBoolean stopped = new AtomicBoolean();

	private WebObservation(@Nullable Observation observation) {
		this.observation = observation;
	}

	/** An observation that records nothing. */
	public static WebObservation none() {
		return NOOP;
	}

	/**
	 * Starts an observation.
	 * @param registry the registry, or {@code null} for none
	 * @param name {@link #WEBHOOK} or {@link #IDEMPOTENCY_KEY}
	 * @param provider the {@code provider} key value, or {@code null} to leave it out
	 * @return the started observation, or a no-op one when there is no registry or it
	 * failed
	 */
	public static WebObservation start(@Nullable ObservationRegistry registry, String name, @Nullable String provider) {
		if (registry == null || registry.isNoop()) {
			return NOOP;
		}
		try {
			Observation observation = Observation.createNotStarted(name, registry);
			if (provider != null) {
				observation.lowCardinalityKeyValue("provider", provider);
			}
			return new WebObservation(observation.start());
		}
		catch (RuntimeException ex) {
			return NOOP;
		}
	}

	/**
	 * Makes this observation the current one until the returned scope is closed (on the
	 * same thread), so the client calls made meanwhile are known to belong to it.
	 * @return the scope to close; closing it never throws
	 */
	public Scope openScope() {
		Observation current = this.observation;
		if (current == null) {
			return Scope.NONE;
		}
		try {
			return new Scope(current.openScope());
		}
		catch (RuntimeException ex) {
			return Scope.NONE;
		}
	}

	/**
	 * The Micrometer observation, for a reactive pipeline that carries it in its context
	 * (under {@value #CONTEXT_KEY}) so the client calls it makes are known to belong to
	 * this request.
	 * @return the observation, or {@code null} when nothing is recorded
	 */
	public @Nullable Observation observation() {
		return this.observation;
	}

	/**
	 * Stops the observation once with its outcome; later calls do nothing.
	 * @param outcome the {@code outcome} key value
	 * @param error the failure to record, or {@code null}
	 */
	public void stop(String outcome, @Nullable Throwable error) {
		Observation current = this.observation;
		if (current == null || !this.stopped.compareAndSet(false, true)) {
			return;
		}
		try {
			current.lowCardinalityKeyValue("outcome", outcome);
			if (error != null) {
				current.error(error);
			}
			current.stop();
		}
		catch (RuntimeException ex) {
			// instrumentation never breaks the request it observes
		}
	}

	/** An open scope of a {@link WebObservation}. */
	public static final class Scope implements AutoCloseable {

		static final Scope NONE = new Scope(null);

		private final Observation.@Nullable Scope scope;

		private Scope(Observation.@Nullable Scope scope) {
			this.scope = scope;
		}

		/** Closes the scope; never throws. */
		@Override
		public void close() {
			if (this.scope != null) {
				try {
					this.scope.close();
				}
				catch (RuntimeException ex) {
					// instrumentation never breaks the request it observes
				}
			}
		}

	}

}
