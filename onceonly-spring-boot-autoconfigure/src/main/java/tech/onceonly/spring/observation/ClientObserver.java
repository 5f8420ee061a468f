package tech.onceonly.spring.observation;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import tech.onceonly.client.AiResult;

/**
 * The observation plumbing shared by the faces of {@link ObservedOnceOnly}: starts one
 * {@code onceonly.client} observation per call (blocking or {@code Mono}), classifies the
 * answer into an outcome, feeds the counters, and never lets a failing handler or meter
 * registry reach the caller.
 * <p>
 * A blocking call made while a OnceOnly web observation ({@value #IDEMPOTENCY_KEY},
 * {@value #WEBHOOK}) is the current one belongs to that request, whose observation
 * already records its outcome: it gets no observation of its own unless web client calls
 * are asked for (then it is nested in the request's). The same holds for a {@code Mono}
 * call whose Reactor context carries such an observation (the WebFlux webhook filter's
 * lease).
 */
final class ClientObserver {

	private static final Log logger = LogFactory.getLog(ObservedOnceOnly.class);

	/** The observation of an Idempotency-Key request ({@code WebObservation}). */
	static final String IDEMPOTENCY_KEY = "onceonly.idempotency.key";

	/** The observation of a webhook delivery ({@code WebObservation}). */
	static final String WEBHOOK = "onceonly.webhook";

	/** The Reactor context key under which Micrometer keeps the current observation. */
	private static final String OBSERVATION_CONTEXT_KEY = "micrometer.observation";

	private final ObservationRegistry registry;

	private final @Nullable OnceOnlyClientObservationConvention convention;

	private final @Nullable OnceOnlyMeters meters;

	private final String backend;

	private final boolean webClientCalls;

	ClientObserver(ObservationRegistry registry, @Nullable OnceOnlyClientObservationConvention convention,
			@Nullable OnceOnlyMeters meters, String backend, boolean webClientCalls) {
		this.registry = registry;
		this.convention = convention;
		this.meters = meters;
		this.backend = backend;
		this.webClientCalls = webClientCalls;
	}

	/**
	 * Whether the current observation is a OnceOnly web request's that covers the call
	 * about to be made.
	 */
	private boolean coveredByWebRequest() {
		if (this.webClientCalls) {
			return false;
		}
		try {
			Observation current = this.registry.getCurrentObservation();
			if (current == null) {
				return false;
			}
			String name = current.getContextView().getName();
			return IDEMPOTENCY_KEY.equals(name) || WEBHOOK.equals(name);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the current observation", ex);
			return false;
		}
	}

	/**
	 * Whether {@code parent}, the observation in a {@code Mono}'s context, is a OnceOnly
	 * web request's that covers the call (the reactive webhook filter puts its delivery's
	 * observation there for its lease).
	 */
	private boolean coversMono(@Nullable Object parent) {
		if (this.webClientCalls || !(parent instanceof Observation observation)) {
			return false;
		}
		try {
			String name = observation.getContextView().getName();
			return IDEMPOTENCY_KEY.equals(name) || WEBHOOK.equals(name);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the observation of a Mono", ex);
			return false;
		}
	}

	/** The backend tag: {@code local} or {@code remote}. */
	String backend() {
		return this.backend;
	}

	private Probe start(String operation, @Nullable Observation parent, boolean scoped) {
		OnceOnlyClientContext context = new OnceOnlyClientContext(operation, this.backend);
		try {
			Observation observation = OnceOnlyObservationDocumentation.CLIENT.observation(this.convention,
					DefaultOnceOnlyClientObservationConvention.INSTANCE, () -> context, this.registry);
			if (parent != null) {
				observation.parentObservation(parent);
			}
			observation.start();
			Observation.Scope scope = null;
			if (scoped) {
				try {
					scope = observation.openScope();
				}
				catch (RuntimeException ex) {
					logger.debug("Could not open the scope of an OnceOnly observation", ex);
				}
			}
			return new Probe(context, observation, scope);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not start an OnceOnly observation", ex);
			return new Probe(context, null, null);
		}
	}

	<T> T observe(String operation, Supplier<T> call, Function<? super T, String> outcome) {
		return observe(operation, call, outcome, (ex) -> Outcomes.ERROR, null);
	}

	<T> T observe(String operation, Supplier<T> call, Function<? super T, String> outcome,
			Function<Throwable, String> errorOutcome, @Nullable BiConsumer<OnceOnlyMeters, ? super T> count) {
		if (coveredByWebRequest()) {
			T result = call.get();
			count(result, count);
			return result;
		}
		Probe probe = start(operation, null, true);
		T result;
		try {
			result = call.get();
		}
		catch (Throwable ex) {
			probe.stopWithError(errorOutcome, ex);
			throw rethrow(ex);
		}
		probe.stopWithResult(result, outcome, count);
		return result;
	}

	<T> Mono<T> observeMono(String operation, Supplier<Mono<T>> call, Function<? super T, String> outcome) {
		return observeMono(operation, call, outcome, (ex) -> Outcomes.ERROR, null);
	}

	<T> Mono<T> observeMono(String operation, Supplier<Mono<T>> call, Function<? super T, String> outcome,
			Function<Throwable, String> errorOutcome, @Nullable BiConsumer<OnceOnlyMeters, ? super T> count) {
		Mono<T> source = call.get();
		return Mono.deferContextual((view) -> {
			Object parent = view.getOrDefault(OBSERVATION_CONTEXT_KEY, null);
			if (coversMono(parent)) {
				return source.doOnSuccess((value) -> count(value, count));
			}
			Probe probe = start(operation, (parent instanceof Observation observation) ? observation : null, false);
			Mono<T> observed = source.doOnSuccess((value) -> probe.stopWithResult(value, outcome, count))
				.doOnError((ex) -> probe.stopWithError(errorOutcome, ex))
				.doOnCancel(probe::stopCancelled);
			Observation observation = probe.observation;
			return (observation != null)
					? observed.contextWrite((context) -> context.put(OBSERVATION_CONTEXT_KEY, observation)) : observed;
		});
	}

	private <T> void count(@Nullable T result, @Nullable BiConsumer<OnceOnlyMeters, ? super T> count) {
		OnceOnlyMeters counters = this.meters;
		if (result != null && count != null && counters != null) {
			try {
				count.accept(counters, result);
			}
			catch (RuntimeException ex) {
				logger.debug("Could not count an OnceOnly answer", ex);
			}
		}
	}

	/**
	 * Rethrows {@code ex} as it is, checked exceptions thrown sneakily by a function
	 * included.
	 */
	@SuppressWarnings("unchecked")
	private static <E extends Throwable> RuntimeException rethrow(Throwable ex) throws E {
		throw (E) ex;
	}

	static <T> Function<T, String> success() {
		return (value) -> Outcomes.SUCCESS;
	}

	/**
	 * One started observation (or none, when starting it failed), stopped at most once.
	 */
	private final class Probe {

		private final OnceOnlyClientContext context;

		private final @Nullable Observation observation;

		private final Observation.@Nullable Scope scope;

		private final AtomicBoolean stopped = new AtomicBoolean();

		Probe(OnceOnlyClientContext context, @Nullable Observation observation, Observation.@Nullable Scope scope) {
			this.context = context;
			this.observation = observation;
			this.scope = scope;
		}

		<T> void stopWithResult(@Nullable T result, Function<? super T, String> outcome,
				@Nullable BiConsumer<OnceOnlyMeters, ? super T> count) {
			String value = Outcomes.SUCCESS;
			if (result != null) {
				try {
					value = outcome.apply(result);
				}
				catch (RuntimeException ex) {
					logger.debug("Could not classify an OnceOnly answer", ex);
				}
				count(result, count);
			}
			stop(value, null);
		}

		void stopWithError(Function<Throwable, String> errorOutcome, Throwable error) {
			String value = Outcomes.ERROR;
			try {
				value = errorOutcome.apply(error);
			}
			catch (RuntimeException ex) {
				logger.debug("Could not classify an OnceOnly error", ex);
			}
			stop(value, error);
		}

		void stopCancelled() {
			stop(Outcomes.CANCELLED, null);
		}

		private void stop(String outcome, @Nullable Throwable error) {
			if (!this.stopped.compareAndSet(false, true)) {
				return;
			}
			if (this.scope != null) {
				try {
					this.scope.close();
				}
				catch (RuntimeException ex) {
					logger.debug("Could not close the scope of an OnceOnly observation", ex);
				}
			}
			if (this.observation == null) {
				return;
			}
			try {
				this.context.setOutcome(outcome);
				if (error != null) {
					this.observation.error(error);
				}
			}
			catch (RuntimeException ex) {
				logger.debug("Could not record the error of an OnceOnly observation", ex);
			}
			try {
				this.observation.stop();
			}
			catch (RuntimeException ex) {
				logger.debug("Could not stop an OnceOnly observation", ex);
			}
		}

	}

	/** A {@code runFn} function wrapper that remembers whether this caller ran it. */
	static final class RanFlag {

		private final AtomicBoolean ran = new AtomicBoolean();

		<T> Supplier<T> wrap(Supplier<T> fn) {
			return () -> {
				this.ran.set(true);
				return fn.get();
			};
		}

		boolean ran() {
			return this.ran.get();
		}

		String outcome(AiResult result) {
			return Outcomes.ofRunFn(result, ran());
		}

		String errorOutcome(Throwable error) {
			return ran() ? Outcomes.FAILED : Outcomes.ERROR;
		}

	}

}
