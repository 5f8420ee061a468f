package tech.onceonly.spring.web.reactive;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import tech.onceonly.client.AiRun;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.ReactiveOnceOnly;
import tech.onceonly.spring.annotation.IdempotencyKey;
import tech.onceonly.spring.web.LeaseDecision;
import tech.onceonly.spring.web.ProblemDetails;
import tech.onceonly.spring.web.WebLease;
import tech.onceonly.spring.web.WebObservation;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyHeader;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyRules;
import tech.onceonly.spring.web.idempotency.IdempotencyKeySettings;
import tech.onceonly.spring.web.idempotency.RequestFingerprint;
import tech.onceonly.spring.web.idempotency.StoredResponse;

/**
 * Idempotency-Key support for WebFlux, with the same answers as the Spring MVC filter and
 * interceptor: for handlers annotated with {@link IdempotencyKey} (POST, PUT, PATCH and
 * DELETE requests) or requests matching {@code onceonly.idempotency-key.paths}, the first
 * request with a key is processed and its response stored, retries get it replayed with
 * {@code Idempotent-Replayed: true}, another payload gets 422, a retry in flight gets
 * 409, a missing key 400. The lease is heartbeated while the handler runs, and a client
 * that disconnects does not cancel the handler: its response is stored (or the key
 * released when the handler fails) when the handler ends. Uses
 * {@link OnceOnly#reactive()}.
 */
public class ReactiveIdempotencyKeyFilter implements WebFilter, Ordered {

	private static final Log logger = LogFactory.getLog(ReactiveIdempotencyKeyFilter.class);

	private static final Set<String> ANNOTATED_METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");

	private static final Optional<IdempotencyKey> NONE = Optional.empty();

	private final OnceOnly blocking;

	private final ReactiveOnceOnly onceOnly;

	private final Heartbeats heartbeats;

	private final LeaseEvents events;

	private final IdempotencyKeyRules rules;

	private final HandlerMapping handlerMapping;

	private final ReactiveIdempotencyKeyScopeResolver scopeResolver;

	private final @Nullable ObservationRegistry observationRegistry;

	private final List<PathPattern> paths;

	private final Map<Method, Optional<IdempotencyKey>> annotations = new ConcurrentHashMap<>();

	private int order = Ordered.HIGHEST_PRECEDENCE + 100;

	/**
	 * A filter on the JVM-wide heartbeats that logs lease events.
	 * @param onceOnly the OnceOnly client (any backend)
	 * @param settings the settings
	 * @param handlerMapping the mapping of annotated controllers (WebFlux's
	 * {@code RequestMappingHandlerMapping})
	 * @param scopeResolver names the caller
	 * @param observationRegistry the registry observations go to, or {@code null} for
	 * none
	 */
	public ReactiveIdempotencyKeyFilter(OnceOnly onceOnly, IdempotencyKeySettings settings,
			HandlerMapping handlerMapping, ReactiveIdempotencyKeyScopeResolver scopeResolver,
			@Nullable ObservationRegistry observationRegistry) {
		this(onceOnly, settings, handlerMapping, scopeResolver, observationRegistry, Heartbeats.shared(),
				LeaseEvents.LOGGING);
	}

	/**
	 * A filter.
	 * @param onceOnly the OnceOnly client (any backend)
	 * @param settings the settings
	 * @param handlerMapping the mapping of annotated controllers (WebFlux's
	 * {@code RequestMappingHandlerMapping})
	 * @param scopeResolver names the caller
	 * @param observationRegistry the registry observations go to, or {@code null} for
	 * none
	 * @param heartbeats keeps the lease of a request alive while its handler runs
	 * @param events where lost leases and unknown outcomes are reported
	 */
	public ReactiveIdempotencyKeyFilter(OnceOnly onceOnly, IdempotencyKeySettings settings,
			HandlerMapping handlerMapping, ReactiveIdempotencyKeyScopeResolver scopeResolver,
			@Nullable ObservationRegistry observationRegistry, Heartbeats heartbeats, LeaseEvents events) {
		this.blocking = onceOnly;
		this.onceOnly = onceOnly.reactive();
		this.rules = new IdempotencyKeyRules(settings);
		this.handlerMapping = handlerMapping;
		this.scopeResolver = scopeResolver;
		this.observationRegistry = observationRegistry;
		this.paths = settings.paths().stream().map(PathPatternParser.defaultInstance::parse).toList();
		this.heartbeats = heartbeats;
		this.events = events;
	}

	@Override
	public int getOrder() {
		return this.order;
	}

	/** Sets the filter order. */
	public void setOrder(int order) {
		this.order = order;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String method = exchange.getRequest().getMethod().name();
		boolean pathMatch = this.rules.settings().methods().contains(method) && matchesPaths(exchange);
		if (!pathMatch && !ANNOTATED_METHODS.contains(method)) {
			return ReactiveAnswers.proceed(chain, exchange);
		}
		// a request no handler matches (404, 405, 415) is left to the DispatcherHandler
		// to answer
		return this.handlerMapping.getHandler(exchange)
			.onErrorResume((ex) -> Mono.empty())
			.map((handler) -> (handler instanceof HandlerMethod handlerMethod) ? annotation(handlerMethod) : NONE)
			.defaultIfEmpty(NONE)
			.flatMap((annotation) -> {
				if (annotation.isEmpty() && !pathMatch) {
					return ReactiveAnswers.proceed(chain, exchange);
				}
				return guard(exchange, chain, annotation.orElse(null));
			});
	}

	private Mono<Void> guard(ServerWebExchange exchange, WebFilterChain chain, @Nullable IdempotencyKey annotation) {
		IdempotencyKeySettings settings = this.rules.settings();
		boolean required = (annotation != null) ? annotation.required() : settings.required();
		ServerHttpRequest request = exchange.getRequest();
		List<String> lines = request.getHeaders().getOrEmpty(IdempotencyKeyHeader.NAME);
		IdempotencyKeyHeader.Parsed parsed = IdempotencyKeyHeader.parse(lines, settings.allowBareTokens(),
				settings.maxKeyLength());
		if (parsed.absent() && !required) {
			return ReactiveAnswers.proceed(chain, exchange);
		}
		WebObservation observation = WebObservation.start(this.observationRegistry, WebObservation.IDEMPOTENCY_KEY,
				null);
		String clientKey = parsed.key();
		if (clientKey == null) {
			observation.stop(IdempotencyKeyRules.MISSING_KEY, null);
			byte[] problem = parsed.absent() ? IdempotencyKeyRules.missingKeyProblem()
					: IdempotencyKeyRules.invalidKeyProblem(String.valueOf(parsed.problem()));
			return ReactiveAnswers.write(exchange, 400, ProblemDetails.MEDIA_TYPE, problem);
		}
		Duration leaseTtl = (annotation != null && annotation.leaseTtlSeconds() > 0)
				? Duration.ofSeconds(annotation.leaseTtlSeconds()) : settings.leaseTtl();
		String contentType = request.getHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
		return ReactiveAnswers.readBody(request, settings.maxRequestBodyBytes()).flatMap((body) -> {
			String fingerprint = RequestFingerprint.of(request.getMethod().name(), request.getPath().value(),
					request.getURI().getRawQuery(), contentType, body);
			ServerWebExchange readable = ReactiveAnswers.withBody(exchange, body);
			return this.scopeResolver.resolve(exchange)
				.map((scope) -> this.rules.storageKey(scope, request.getMethod().name(),
						ReactiveAnswers.route(exchange), clientKey))
				.flatMap((key) -> Mono.defer(() -> {
					long takenAt = this.heartbeats.nanoTime();
					return ReactiveAnswers.inObservation(this.onceOnly.ai().lease(key, leaseTtl, null), observation)
						.onErrorResume((ex) -> Mono.error(new Unavailable(ex)))
						.flatMap((lease) -> decide(readable, chain, key, fingerprint, lease, leaseTtl, takenAt,
								observation));
				}));
		}).onErrorResume(ReactiveAnswers.BodyTooLarge.class, (ex) -> {
			observation.stop(IdempotencyKeyRules.FAILED, null);
			return ReactiveAnswers.write(exchange, 413, ProblemDetails.MEDIA_TYPE,
					IdempotencyKeyRules.tooLargeProblem(ex.limit));
		}).onErrorResume(Unavailable.class, (ex) -> {
			logger.warn("Could not check an Idempotency-Key; answering 503", ex.getCause());
			observation.stop(IdempotencyKeyRules.FAILED, ex.getCause());
			exchange.getResponse()
				.getHeaders()
				.set(HttpHeaders.RETRY_AFTER, Long.toString(settings.retryAfter().toSeconds()));
			return ReactiveAnswers.write(exchange, 503, ProblemDetails.MEDIA_TYPE,
					IdempotencyKeyRules.unavailableProblem());
		});
	}

	private Mono<Void> decide(ServerWebExchange exchange, WebFilterChain chain, String key, String fingerprint,
			AiRun lease, Duration leaseTtl, long takenAt, WebObservation observation) {
		switch (LeaseDecision.of(lease)) {
			case RUN -> {
				WebLease held = WebLease.keep(this.blocking, this.heartbeats, this.events, WebLease.IDEMPOTENCY_KEY,
						key, String.valueOf(lease.leaseId()), leaseTtl, Heartbeats.period(leaseTtl, null), takenAt,
						observation);
				CapturingResponse response = new CapturingResponse(exchange.getResponse(),
						this.rules.settings().maxStoredBodyBytes(),
						(body) -> settle(exchange, held, fingerprint, body, observation));
				Mono<Void> work = ReactiveAnswers.proceed(chain, exchange.mutate().response(response).build())
					.then(Mono.defer(() -> response.isCaptured() ? Mono.<Void>empty() : response.setComplete()))
					.onErrorResume((ex) -> (response.isCaptured() ? Mono.<Void>empty()
							: blockingCall(() -> held.release("threw " + ex.getClass().getSimpleName()))
								.then(Mono.fromRunnable(() -> observation.stop(IdempotencyKeyRules.FAILED, ex))))
						.then(Mono.error(ex)));
				// a client that disconnects does not cancel the handler: its response is
				// stored (or the key released) when the handler ends
				return Detached.run(work);
			}
			case IN_PROGRESS -> {
				long retryAfter = this.rules.retryAfterSeconds(lease);
				observation.stop(IdempotencyKeyRules.IN_PROGRESS, null);
				exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
				return ReactiveAnswers.write(exchange, 409, ProblemDetails.MEDIA_TYPE,
						IdempotencyKeyRules.inProgressProblem(retryAfter));
			}
			default -> {
				if (lease.carriesResult()) {
					// the lease answer carries the stored response: a replay is one store
					// read
					return replayOrRefuse(exchange, lease.result(), fingerprint, observation);
				}
				return ReactiveAnswers.inObservation(this.onceOnly.ai().result(key), observation)
					.onErrorResume((ex) -> Mono.error(new Unavailable(ex)))
					.flatMap((result) -> replayOrRefuse(exchange, result.result(), fingerprint, observation));
			}
		}
	}

	private Mono<Void> replayOrRefuse(ServerWebExchange exchange, @Nullable Map<String, Object> result,
			String fingerprint, WebObservation observation) {
		StoredResponse stored;
		try {
			stored = StoredResponse.fromResult(result);
		}
		catch (StoredResponse.NewerFormatException ex) {
			observation.stop(IdempotencyKeyRules.FAILED, null);
			long retryAfter = Math.max(1, this.rules.settings().retryAfter().toSeconds());
			exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
			return ReactiveAnswers.write(exchange, 409, ProblemDetails.MEDIA_TYPE,
					StoredResponse.newerFormatProblem(retryAfter));
		}
		if (stored == null) {
			observation.stop(IdempotencyKeyRules.FAILED, null);
			return ReactiveAnswers.write(exchange, 422, ProblemDetails.MEDIA_TYPE,
					IdempotencyKeyRules.unusableProblem());
		}
		if (!stored.fingerprint().equals(fingerprint)) {
			observation.stop(IdempotencyKeyRules.MISMATCH, null);
			return ReactiveAnswers.write(exchange, 422, ProblemDetails.MEDIA_TYPE,
					IdempotencyKeyRules.mismatchProblem());
		}
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatusCode.valueOf(stored.status()));
		stored.headers().forEach((name, values) -> response.getHeaders().put(name, values));
		response.getHeaders().set(IdempotencyKeyRules.REPLAYED_HEADER, "true");
		byte[] body = (stored.body() != null) ? stored.body() : ReactiveAnswers.NO_BODY;
		response.getHeaders().setContentLength(body.length);
		observation.stop(IdempotencyKeyRules.REPLAYED, null);
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
	}

	private Mono<Void> settle(ServerWebExchange exchange, WebLease held, String fingerprint, byte @Nullable [] body,
			WebObservation observation) {
		ServerHttpResponse response = exchange.getResponse();
		HttpStatusCode code = response.getStatusCode();
		int status = (code != null) ? code.value() : 200;
		boolean handlerReached = ReactiveAnswers.handlerReached(exchange);
		if (!handlerReached || !this.rules.stores(status)) {
			return blockingCall(() -> {
				held.release(
						handlerReached ? "answered " + status : "answered " + status + " without running the handler");
				observation.stop(IdempotencyKeyRules.FAILED, null);
			});
		}
		StoredResponse stored = this.rules.toStored(status,
				this.rules.storedHeaders((name) -> response.getHeaders().getOrEmpty(name)), body, fingerprint);
		return blockingCall(
				() -> observation.stop(IdempotencyKeyRules.EXECUTED, held.complete(stored.toResult(), fingerprint)));
	}

	/** Runs a blocking store call (which may retry with backoff) off the event loop. */
	private static Mono<Void> blockingCall(Runnable call) {
		return Mono.fromRunnable(call).subscribeOn(Schedulers.boundedElastic()).then();
	}

	private Optional<IdempotencyKey> annotation(HandlerMethod handlerMethod) {
		return this.annotations.computeIfAbsent(handlerMethod.getMethod(), (method) -> {
			IdempotencyKey found = AnnotatedElementUtils.findMergedAnnotation(method, IdempotencyKey.class);
			if (found == null) {
				found = AnnotatedElementUtils.findMergedAnnotation(handlerMethod.getBeanType(), IdempotencyKey.class);
			}
			return (found != null) ? Optional.of(found) : NONE;
		});
	}

	private boolean matchesPaths(ServerWebExchange exchange) {
		for (PathPattern pattern : this.paths) {
			if (pattern.matches(exchange.getRequest().getPath().pathWithinApplication())) {
				return true;
			}
		}
		return false;
	}

	private static final class Unavailable extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Unavailable(Throwable cause) {
			super(cause.getMessage(), cause, false, false);
		}

	}

}
