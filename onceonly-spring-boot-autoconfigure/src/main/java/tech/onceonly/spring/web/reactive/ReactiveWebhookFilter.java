package tech.onceonly.spring.web.reactive;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import tech.onceonly.client.AiRun;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.ReactiveOnceOnly;
import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.web.LeaseDecision;
import tech.onceonly.spring.web.ProblemDetails;
import tech.onceonly.spring.web.WebLease;
import tech.onceonly.spring.web.WebObservation;
import tech.onceonly.spring.web.webhook.WebhookDeliveries;
import tech.onceonly.spring.web.webhook.WebhookDeliveries.IdResolution;
import tech.onceonly.spring.web.webhook.WebhookEndpoint;
import tech.onceonly.spring.web.webhook.WebhookEndpoints;
import tech.onceonly.spring.web.webhook.WebhookRequest;
import tech.onceonly.spring.web.webhook.WebhookSecrets;
import tech.onceonly.spring.web.webhook.WebhookSettings;
import tech.onceonly.spring.web.webhook.WebhookVerification;

/**
 * Enforces {@link IdempotentWebhook} in WebFlux before the handler runs, with the same
 * answers as the Spring MVC interceptor: duplicates get the configured 2xx without
 * running the handler, deliveries in flight get 409 with {@code Retry-After}, a 2xx
 * answer completes the key when the handler commits it and anything else (an error, a
 * non-2xx status) releases it. The lease is heartbeated while the handler runs, and a
 * client that disconnects does not cancel the handler: the delivery is settled when the
 * handler ends. The handler of POST, PUT and PATCH requests is looked up in the given
 * handler mapping to find the annotation; the body is read once and handed to the handler
 * again. When the endpoint has signing secrets, the provider's signature is checked
 * first: a delivery that is not genuine gets 401 and never reaches the store. Uses
 * {@link OnceOnly#reactive()}.
 */
public class ReactiveWebhookFilter implements WebFilter, Ordered {

	private static final Log logger = LogFactory.getLog(ReactiveWebhookFilter.class);

	private static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH");

	private final OnceOnly blocking;

	private final ReactiveOnceOnly onceOnly;

	private final Heartbeats heartbeats;

	private final LeaseEvents events;

	private final WebhookDeliveries deliveries;

	private final HandlerMapping handlerMapping;

	private final WebhookEndpoints endpoints = new WebhookEndpoints();

	private final @Nullable ObservationRegistry observationRegistry;

	private final WebhookVerification verification;

	private int order = Ordered.HIGHEST_PRECEDENCE + 100;

	/**
	 * A filter on the JVM-wide heartbeats that logs lease events.
	 * @param onceOnly the OnceOnly client (any backend)
	 * @param settings the settings
	 * @param handlerMapping the mapping of annotated controllers (WebFlux's
	 * {@code RequestMappingHandlerMapping})
	 * @param observationRegistry the registry observations go to, or {@code null} for
	 * none
	 */
	public ReactiveWebhookFilter(OnceOnly onceOnly, WebhookSettings settings, HandlerMapping handlerMapping,
			@Nullable ObservationRegistry observationRegistry) {
		this(onceOnly, settings, handlerMapping, observationRegistry, Heartbeats.shared(), LeaseEvents.LOGGING);
	}

	/**
	 * A filter.
	 * @param onceOnly the OnceOnly client (any backend)
	 * @param settings the settings
	 * @param handlerMapping the mapping of annotated controllers (WebFlux's
	 * {@code RequestMappingHandlerMapping})
	 * @param observationRegistry the registry observations go to, or {@code null} for
	 * none
	 * @param heartbeats keeps the lease of a delivery alive while its handler runs
	 * @param events where lost leases and unknown outcomes are reported
	 */
	public ReactiveWebhookFilter(OnceOnly onceOnly, WebhookSettings settings, HandlerMapping handlerMapping,
			@Nullable ObservationRegistry observationRegistry, Heartbeats heartbeats, LeaseEvents events) {
		this(onceOnly, settings, handlerMapping, observationRegistry, heartbeats, events, WebhookVerification.none());
	}

	/**
	 * A filter that verifies signatures.
	 * @param onceOnly the OnceOnly client (any backend)
	 * @param settings the settings
	 * @param handlerMapping the mapping of annotated controllers (WebFlux's
	 * {@code RequestMappingHandlerMapping})
	 * @param observationRegistry the registry observations go to, or {@code null} for
	 * none
	 * @param heartbeats keeps the lease of a delivery alive while its handler runs
	 * @param events where lost leases and unknown outcomes are reported
	 * @param verification the endpoints whose signatures are checked before their
	 * delivery id is leased
	 */
	public ReactiveWebhookFilter(OnceOnly onceOnly, WebhookSettings settings, HandlerMapping handlerMapping,
			@Nullable ObservationRegistry observationRegistry, Heartbeats heartbeats, LeaseEvents events,
			WebhookVerification verification) {
		this.verification = verification;
		this.blocking = onceOnly;
		this.onceOnly = onceOnly.reactive();
		this.deliveries = new WebhookDeliveries(settings);
		this.handlerMapping = handlerMapping;
		this.observationRegistry = observationRegistry;
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
		if (!METHODS.contains(exchange.getRequest().getMethod().name())) {
			return ReactiveAnswers.proceed(chain, exchange);
		}
		// a request no handler matches (404, 405, 415) is left to the DispatcherHandler
		// to answer
		return this.handlerMapping.getHandler(exchange)
			.onErrorResume((ex) -> Mono.empty())
			.flatMap((handler) -> (handler instanceof HandlerMethod method)
					? Mono.justOrEmpty(this.endpoints.find(method.getMethod(), method.getBeanType())) : Mono.empty())
			.map((endpoint) -> guard(exchange, chain, endpoint))
			.defaultIfEmpty(Mono.defer(() -> ReactiveAnswers.proceed(chain, exchange)))
			.flatMap((next) -> next);
	}

	private Mono<Void> guard(ServerWebExchange exchange, WebFilterChain chain, WebhookEndpoint endpoint) {
		WebhookSecrets secrets = this.verification.secretsFor(endpoint);
		WebObservation observation = WebObservation.start(this.observationRegistry, WebObservation.WEBHOOK,
				endpoint.tag());
		boolean readBody = endpoint.needsBody() || secrets != null;
		Mono<byte[]> body = readBody
				? ReactiveAnswers.readBody(exchange.getRequest(), this.deliveries.settings().maxBodyBytes())
				: Mono.just(ReactiveAnswers.NO_BODY);
		return body.flatMap((bytes) -> {
			ServerWebExchange readable = readBody ? ReactiveAnswers.withBody(exchange, bytes) : exchange;
			if (secrets != null) {
				String refused = this.verification.check(endpoint, secrets, exchange.getRequest().getHeaders(), bytes);
				if (refused != null) {
					observation.stop(WebhookDeliveries.REJECTED, null);
					return ReactiveAnswers.write(exchange, 401, ProblemDetails.MEDIA_TYPE,
							WebhookDeliveries.signatureProblem(refused));
				}
			}
			WebhookRequest view = new WebhookRequest(exchange.getRequest().getHeaders(),
					ReactiveAnswers.pathVariables(exchange), exchange.getRequest().getQueryParams(), bytes);
			IdResolution resolution = this.deliveries.resolveId(endpoint, view);
			if (resolution.pass()) {
				observation.stop(WebhookDeliveries.EXECUTED, null);
				return ReactiveAnswers.proceed(chain, readable);
			}
			String id = resolution.id();
			if (id == null) {
				observation.stop(WebhookDeliveries.REJECTED, null);
				return ReactiveAnswers.write(exchange, 400, ProblemDetails.MEDIA_TYPE,
						WebhookDeliveries.missingIdProblem(String.valueOf(resolution.problem())));
			}
			String key = this.deliveries.key(endpoint, ReactiveAnswers.route(exchange), id);
			Duration ttl = this.deliveries.leaseTtl(endpoint);
			Duration heartbeat = this.deliveries.heartbeat(endpoint);
			return Mono.defer(() -> {
				long takenAt = this.heartbeats.nanoTime();
				return ReactiveAnswers.inObservation(this.onceOnly.ai().lease(key, ttl, null), observation)
					.onErrorResume((ex) -> Mono.error(new Unavailable(ex)))
					.flatMap((lease) -> decide(readable, chain, key, lease, ttl, heartbeat, takenAt, observation));
			});
		}).onErrorResume(ReactiveAnswers.BodyTooLarge.class, (ex) -> {
			observation.stop(WebhookDeliveries.REJECTED, null);
			return ReactiveAnswers.write(exchange, 413, ProblemDetails.MEDIA_TYPE,
					WebhookDeliveries.tooLargeProblem(ex.limit));
		}).onErrorResume(Unavailable.class, (ex) -> {
			logger.warn("Could not check webhook delivery for duplicates; answering 503 so the provider retries",
					ex.getCause());
			observation.stop(WebhookDeliveries.FAILED, ex.getCause());
			exchange.getResponse()
				.getHeaders()
				.set(HttpHeaders.RETRY_AFTER, Long.toString(this.deliveries.settings().retryAfter().toSeconds()));
			return ReactiveAnswers.write(exchange, 503, ProblemDetails.MEDIA_TYPE,
					WebhookDeliveries.unavailableProblem());
		});
	}

	private Mono<Void> decide(ServerWebExchange exchange, WebFilterChain chain, String key, AiRun lease, Duration ttl,
			Duration heartbeat, long takenAt, WebObservation observation) {
		switch (LeaseDecision.of(lease)) {
			case RUN -> {
				WebLease held = WebLease.keep(this.blocking, this.heartbeats, this.events, WebLease.WEBHOOK, key,
						String.valueOf(lease.leaseId()), ttl, heartbeat, takenAt, observation);
				SettlingResponse response = new SettlingResponse(exchange.getResponse(),
						(status) -> settle(held, ReactiveAnswers.handlerReached(exchange), status, observation));
				Mono<Void> work = ReactiveAnswers.proceed(chain, exchange.mutate().response(response).build())
					.then(Mono.defer(() -> response.isSettled() ? Mono.<Void>empty() : response.setComplete()))
					.onErrorResume((ex) -> (response.isSettled() ? Mono.<Void>empty()
							: blockingCall(() -> held.release("handler failed: " + ex.getClass().getSimpleName()))
								.then(Mono.fromRunnable(() -> observation.stop(WebhookDeliveries.FAILED, ex))))
						.then(Mono.error(ex)));
				// a client that disconnects does not cancel the handler: the delivery is
				// settled when the handler ends
				return Detached.run(work);
			}
			case DONE -> {
				observation.stop(WebhookDeliveries.DUPLICATE, null);
				exchange.getResponse().getHeaders().set("Idempotent-Replayed", "true");
				return ReactiveAnswers.write(exchange, this.deliveries.settings().duplicateStatus(),
						MediaType.APPLICATION_JSON_VALUE, WebhookDeliveries.duplicateBody());
			}
			default -> {
				long retryAfter = this.deliveries.retryAfterSeconds(lease);
				observation.stop(WebhookDeliveries.IN_PROGRESS, null);
				exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
				return ReactiveAnswers.write(exchange, 409, ProblemDetails.MEDIA_TYPE,
						WebhookDeliveries.inProgressProblem(retryAfter));
			}
		}
	}

	private Mono<Void> settle(WebLease held, boolean handlerReached, int status, WebObservation observation) {
		if (!handlerReached) {
			return blockingCall(() -> {
				held.release("answered " + status + " without running the handler");
				observation.stop(WebhookDeliveries.FAILED, null);
			});
		}
		if (status >= 200 && status < 300) {
			return blockingCall(
					() -> observation.stop(WebhookDeliveries.EXECUTED, held.complete(Map.of("status", status), null)));
		}
		return blockingCall(() -> {
			held.release("handler answered " + status);
			observation.stop(WebhookDeliveries.FAILED, null);
		});
	}

	/** Runs a blocking store call (which may retry with backoff) off the event loop. */
	private static Mono<Void> blockingCall(Runnable call) {
		return Mono.fromRunnable(call).subscribeOn(Schedulers.boundedElastic()).then();
	}

	private static final class Unavailable extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Unavailable(Throwable cause) {
			super(cause.getMessage(), cause, false, false);
		}

	}

}
