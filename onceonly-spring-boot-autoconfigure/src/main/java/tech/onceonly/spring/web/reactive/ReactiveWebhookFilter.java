package tech.onceonly.spring.web.reactive;

import java.util.Map;
import java.util.Set;

import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import tech.onceonly.client.AiRun;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.ReactiveOnceOnly;
import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.web.LeaseDecision;
import tech.onceonly.spring.web.ProblemDetails;
import tech.onceonly.spring.web.WebObservation;
import tech.onceonly.spring.web.webhook.WebhookDeliveries;
import tech.onceonly.spring.web.webhook.WebhookDeliveries.IdResolution;
import tech.onceonly.spring.web.webhook.WebhookEndpoint;
import tech.onceonly.spring.web.webhook.WebhookEndpoints;
import tech.onceonly.spring.web.webhook.WebhookRequest;
import tech.onceonly.spring.web.webhook.WebhookSettings;

/**
 * Enforces {@link IdempotentWebhook} in WebFlux before the handler runs, with the same
 * answers as the Spring MVC interceptor: duplicates get the configured 2xx without
 * running the handler, deliveries in flight get 409 with {@code Retry-After}, a 2xx
 * answer completes the key and anything else (an error, a non-2xx status, a cancelled
 * request) releases it. The handler of POST, PUT and PATCH requests is looked up in the
 * given handler mapping to find the annotation; the body is read once and handed to the
 * handler again. Uses {@link OnceOnly#reactive()}.
 */
public class ReactiveWebhookFilter implements WebFilter, Ordered {

	private static final Log logger = LogFactory.getLog(ReactiveWebhookFilter.class);

	private static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH");

	private final ReactiveOnceOnly onceOnly;

	private final WebhookDeliveries deliveries;

	private final HandlerMapping handlerMapping;

	private final WebhookEndpoints endpoints = new WebhookEndpoints();

	private final @Nullable ObservationRegistry observationRegistry;

	private int order = Ordered.HIGHEST_PRECEDENCE + 100;

	/**
	 * A filter.
	 * @param onceOnly the OnceOnly client (any backend)
	 * @param settings the settings
	 * @param handlerMapping the mapping of annotated controllers (WebFlux's
	 * {@code RequestMappingHandlerMapping})
	 * @param observationRegistry the registry observations go to, or {@code null} for
	 * none
	 */
	public ReactiveWebhookFilter(OnceOnly onceOnly, WebhookSettings settings, HandlerMapping handlerMapping,
			@Nullable ObservationRegistry observationRegistry) {
		this.onceOnly = onceOnly.reactive();
		this.deliveries = new WebhookDeliveries(settings);
		this.handlerMapping = handlerMapping;
		this.observationRegistry = observationRegistry;
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
			return chain.filter(exchange);
		}
		// a request no handler matches (404, 405, 415) is left to the DispatcherHandler
		// to answer
		return this.handlerMapping.getHandler(exchange)
			.onErrorResume((ex) -> Mono.empty())
			.flatMap((handler) -> (handler instanceof HandlerMethod method)
					? Mono.justOrEmpty(this.endpoints.find(method.getMethod(), method.getBeanType())) : Mono.empty())
			.map((endpoint) -> guard(exchange, chain, endpoint))
			.defaultIfEmpty(Mono.defer(() -> chain.filter(exchange)))
			.flatMap((next) -> next);
	}

	private Mono<Void> guard(ServerWebExchange exchange, WebFilterChain chain, WebhookEndpoint endpoint) {
		WebObservation observation = WebObservation.start(this.observationRegistry, WebObservation.WEBHOOK,
				endpoint.tag());
		Mono<byte[]> body = endpoint.needsBody()
				? ReactiveAnswers.readBody(exchange.getRequest(), this.deliveries.settings().maxBodyBytes())
				: Mono.just(ReactiveAnswers.NO_BODY);
		return body.flatMap((bytes) -> {
			ServerWebExchange readable = endpoint.needsBody() ? ReactiveAnswers.withBody(exchange, bytes) : exchange;
			WebhookRequest view = new WebhookRequest(exchange.getRequest().getHeaders(),
					ReactiveAnswers.pathVariables(exchange), exchange.getRequest().getQueryParams(), bytes);
			IdResolution resolution = this.deliveries.resolveId(endpoint, view);
			if (resolution.pass()) {
				observation.stop(WebhookDeliveries.EXECUTED, null);
				return chain.filter(readable);
			}
			String id = resolution.id();
			if (id == null) {
				observation.stop(WebhookDeliveries.REJECTED, null);
				return ReactiveAnswers.write(exchange, 400, ProblemDetails.MEDIA_TYPE,
						WebhookDeliveries.missingIdProblem(String.valueOf(resolution.problem())));
			}
			String key = this.deliveries.key(endpoint, ReactiveAnswers.route(exchange), id);
			return this.onceOnly.ai()
				.lease(key, this.deliveries.leaseTtl(endpoint), null)
				.onErrorResume((ex) -> Mono.error(new Unavailable(ex)))
				.flatMap((lease) -> decide(readable, chain, key, lease, observation));
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

	private Mono<Void> decide(ServerWebExchange exchange, WebFilterChain chain, String key, AiRun lease,
			WebObservation observation) {
		switch (LeaseDecision.of(lease)) {
			case RUN -> {
				String leaseId = String.valueOf(lease.leaseId());
				return chain.filter(exchange)
					.then(Mono.defer(() -> settle(exchange, key, leaseId, observation)))
					.onErrorResume((ex) -> release(key, leaseId, "handler failed: " + ex.getClass().getSimpleName())
						.then(Mono.fromRunnable(() -> observation.stop(WebhookDeliveries.FAILED, ex)))
						.then(Mono.error(ex)))
					.doOnCancel(() -> release(key, leaseId, "request cancelled").subscribe());
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

	private Mono<Void> settle(ServerWebExchange exchange, String key, String leaseId, WebObservation observation) {
		HttpStatusCode code = exchange.getResponse().getStatusCode();
		int status = (code != null) ? code.value() : 200;
		if (status >= 200 && status < 300) {
			return this.onceOnly.ai()
				.complete(key, leaseId, Map.of("status", status), null)
				.doOnSuccess((done) -> observation.stop(WebhookDeliveries.EXECUTED, null))
				.onErrorResume((ex) -> {
					logger.warn("Could not complete a webhook delivery; its key is freed when the lease expires", ex);
					observation.stop(WebhookDeliveries.EXECUTED, ex);
					return Mono.empty();
				})
				.then();
		}
		return release(key, leaseId, "handler answered " + status)
			.then(Mono.fromRunnable(() -> observation.stop(WebhookDeliveries.FAILED, null)));
	}

	private Mono<Void> release(String key, String leaseId, String reason) {
		return this.onceOnly.ai().cancel(key, leaseId, reason).onErrorResume((ex) -> {
			logger.warn("Could not release a webhook delivery; its key is freed when the lease expires", ex);
			return Mono.empty();
		}).then();
	}

	private static final class Unavailable extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Unavailable(Throwable cause) {
			super(cause.getMessage(), cause, false, false);
		}

	}

}
