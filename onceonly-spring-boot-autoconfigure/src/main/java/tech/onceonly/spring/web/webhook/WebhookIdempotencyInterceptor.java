package tech.onceonly.spring.web.webhook;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.util.WebUtils;

import tech.onceonly.client.AiRun;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OutcomeUnknownException;
import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.web.CachedBodyRequestWrapper;
import tech.onceonly.spring.web.LeaseDecision;
import tech.onceonly.spring.web.ProblemDetails;
import tech.onceonly.spring.web.ServletAnswers;
import tech.onceonly.spring.web.WebLease;
import tech.onceonly.spring.web.WebObservation;
import tech.onceonly.spring.web.webhook.WebhookDeliveries.IdResolution;

/**
 * Enforces {@link IdempotentWebhook} in Spring MVC before the handler runs: leases the
 * delivery id, answers duplicates (configured 2xx) and deliveries in flight (409 +
 * {@code Retry-After}) without running the handler, and after the handler completes the
 * key on a 2xx answer or releases it on anything else so the provider's retry is
 * processed. The lease is heartbeated while the handler runs (across async dispatches);
 * only a handler that ran to its end may complete it, and a completion that fails is
 * retried, never turned into a release. When the endpoint has signing secrets, the
 * provider's signature is checked first: a delivery that is not genuine gets 401 and
 * never reaches the store. Needs {@link WebhookBodyCachingFilter} for ids read from the
 * body. Works with every OnceOnly backend.
 */
public class WebhookIdempotencyInterceptor implements HandlerInterceptor {

	private static final Log logger = LogFactory.getLog(WebhookIdempotencyInterceptor.class);

	private static final String ATTRIBUTE = WebhookIdempotencyInterceptor.class.getName() + ".delivery";

	private static final byte[] NO_BODY = new byte[0];

	private static final MultiValueMap<String, String> EMPTY_PARAMS = CollectionUtils
		.unmodifiableMultiValueMap(new LinkedMultiValueMap<>());

	private final OnceOnly onceOnly;

	private final WebhookDeliveries deliveries;

	private final WebhookEndpoints endpoints = new WebhookEndpoints();

	private final @Nullable ObservationRegistry observationRegistry;

	private final Heartbeats heartbeats;

	private final LeaseEvents events;

	private final WebhookVerification verification;

	/**
	 * An interceptor on the JVM-wide heartbeats that logs lease events.
	 * @param onceOnly the OnceOnly client (any backend)
	 * @param settings the settings
	 * @param observationRegistry the registry observations go to, or {@code null} for
	 * none
	 */
	public WebhookIdempotencyInterceptor(OnceOnly onceOnly, WebhookSettings settings,
			@Nullable ObservationRegistry observationRegistry) {
		this(onceOnly, settings, observationRegistry, Heartbeats.shared(), LeaseEvents.LOGGING);
	}

	/**
	 * An interceptor.
	 * @param onceOnly the OnceOnly client (any backend)
	 * @param settings the settings
	 * @param observationRegistry the registry observations go to, or {@code null} for
	 * none
	 * @param heartbeats keeps the lease of a delivery alive while its handler runs
	 * @param events where lost leases and unknown outcomes are reported
	 */
	public WebhookIdempotencyInterceptor(OnceOnly onceOnly, WebhookSettings settings,
			@Nullable ObservationRegistry observationRegistry, Heartbeats heartbeats, LeaseEvents events) {
		this(onceOnly, settings, observationRegistry, heartbeats, events, WebhookVerification.none());
	}

	/**
	 * An interceptor that verifies signatures.
	 * @param onceOnly the OnceOnly client (any backend)
	 * @param settings the settings
	 * @param observationRegistry the registry observations go to, or {@code null} for
	 * none
	 * @param heartbeats keeps the lease of a delivery alive while its handler runs
	 * @param events where lost leases and unknown outcomes are reported
	 * @param verification the endpoints whose signatures are checked before their
	 * delivery id is leased
	 */
	public WebhookIdempotencyInterceptor(OnceOnly onceOnly, WebhookSettings settings,
			@Nullable ObservationRegistry observationRegistry, Heartbeats heartbeats, LeaseEvents events,
			WebhookVerification verification) {
		this.verification = verification;
		this.onceOnly = onceOnly;
		this.deliveries = new WebhookDeliveries(settings);
		this.observationRegistry = observationRegistry;
		this.heartbeats = heartbeats;
		this.events = events;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws IOException {
		if (request.getAttribute(ATTRIBUTE) != null || !(handler instanceof HandlerMethod handlerMethod)) {
			return true;
		}
		WebhookEndpoint endpoint = this.endpoints.find(handlerMethod.getMethod(), handlerMethod.getBeanType());
		if (endpoint == null) {
			return true;
		}
		WebhookSecrets secrets = this.verification.secretsFor(endpoint);
		WebObservation observation = WebObservation.start(this.observationRegistry, WebObservation.WEBHOOK,
				endpoint.tag());
		byte[] body = NO_BODY;
		if (endpoint.needsBody() || secrets != null) {
			CachedBodyRequestWrapper cached = WebUtils.getNativeRequest(request, CachedBodyRequestWrapper.class);
			if (cached == null) {
				IllegalStateException ex = new IllegalStateException("@IdempotentWebhook on " + endpoint.methodName()
						+ " reads the body (for its delivery id or signature), but the request body is not re-readable; register "
						+ "WebhookBodyCachingFilter (the OnceOnly auto-configuration does)");
				observation.stop(WebhookDeliveries.FAILED, ex);
				throw ex;
			}
			try {
				body = cached.cachedBody();
			}
			catch (CachedBodyRequestWrapper.BodyTooLargeException ex) {
				ServletAnswers.write(response, 413, ProblemDetails.MEDIA_TYPE,
						WebhookDeliveries.tooLargeProblem(ex.limit()));
				observation.stop(WebhookDeliveries.REJECTED, null);
				return false;
			}
		}
		// copy only what the signature check and the id need
		HttpHeaders headers = (secrets != null || endpoint.readsHeaders()) ? ServletAnswers.headers(request)
				: HttpHeaders.EMPTY;
		if (secrets != null) {
			String refused = this.verification.check(endpoint, secrets, headers, body);
			if (refused != null) {
				ServletAnswers.write(response, 401, ProblemDetails.MEDIA_TYPE,
						WebhookDeliveries.signatureProblem(refused));
				observation.stop(WebhookDeliveries.REJECTED, null);
				return false;
			}
		}
		WebhookRequest view = new WebhookRequest(headers,
				endpoint.readsPathVariables() ? ServletAnswers.pathVariables(request) : Map.of(),
				endpoint.readsParams() ? ServletAnswers.queryParams(request) : EMPTY_PARAMS, body);
		IdResolution resolution = this.deliveries.resolveId(endpoint, view);
		if (resolution.pass()) {
			observation.stop(WebhookDeliveries.EXECUTED, null);
			return true;
		}
		String id = resolution.id();
		if (id == null) {
			ServletAnswers.write(response, 400, ProblemDetails.MEDIA_TYPE,
					WebhookDeliveries.missingIdProblem(String.valueOf(resolution.problem())));
			observation.stop(WebhookDeliveries.REJECTED, null);
			return false;
		}
		String key = this.deliveries.key(endpoint, ServletAnswers.route(request), id);
		Duration ttl = this.deliveries.leaseTtl(endpoint);
		long takenAt = this.heartbeats.nanoTime();
		AiRun lease;
		// the delivery's observation is current while its client calls run: it covers
		// them
		try (WebObservation.Scope scope = observation.openScope()) {
			lease = this.onceOnly.ai().lease(key, ttl, null);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not check webhook delivery for duplicates on " + endpoint.methodName()
					+ "; answering 503 so the provider retries", ex);
			response.setHeader(HttpHeaders.RETRY_AFTER,
					Long.toString(this.deliveries.settings().retryAfter().toSeconds()));
			ServletAnswers.write(response, 503, ProblemDetails.MEDIA_TYPE, WebhookDeliveries.unavailableProblem());
			observation.stop(WebhookDeliveries.FAILED, ex);
			return false;
		}
		switch (LeaseDecision.of(lease)) {
			case RUN -> {
				WebLease held = WebLease.keep(this.onceOnly, this.heartbeats, this.events, WebLease.WEBHOOK, key,
						String.valueOf(lease.leaseId()), ttl, this.deliveries.heartbeat(endpoint), takenAt,
						observation);
				request.setAttribute(ATTRIBUTE, new Delivery(held, observation));
				return true;
			}
			case DONE -> {
				response.setHeader("Idempotent-Replayed", "true");
				ServletAnswers.write(response, this.deliveries.settings().duplicateStatus(),
						MediaType.APPLICATION_JSON_VALUE, WebhookDeliveries.duplicateBody());
				observation.stop(WebhookDeliveries.DUPLICATE, null);
				return false;
			}
			default -> {
				long retryAfter = this.deliveries.retryAfterSeconds(lease);
				response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
				ServletAnswers.write(response, 409, ProblemDetails.MEDIA_TYPE,
						WebhookDeliveries.inProgressProblem(retryAfter));
				observation.stop(WebhookDeliveries.IN_PROGRESS, null);
				return false;
			}
		}
	}

	/**
	 * Notes that the handler ran to its end (on the last dispatch of an async handler):
	 * only then may a 2xx answer complete the delivery.
	 */
	@Override
	public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler,
			@Nullable ModelAndView modelAndView) {
		if (request.getAttribute(ATTRIBUTE) instanceof Delivery delivery) {
			delivery.handlerRan().set(true);
		}
	}

	/**
	 * Settles the delivery once its answer is known: a handler that ran and answered 2xx
	 * completes it (retried while the lease is held; an outcome that cannot be recorded
	 * is reported and the delivery keeps its lease); a handler that threw or answered
	 * anything else, or a request answered without running the handler, releases it; an
	 * async request that timed out leaves it to its lease, since its work may still run.
	 */
	@Override
	public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
			@Nullable Exception ex) {
		if (!(request.getAttribute(ATTRIBUTE) instanceof Delivery delivery)) {
			return;
		}
		request.removeAttribute(ATTRIBUTE);
		int status = response.getStatus();
		WebLease lease = delivery.lease();
		if (ex == null && delivery.handlerRan().get() && status >= 200 && status < 300) {
			OutcomeUnknownException unknown = lease.complete(Map.of("status", status), null);
			delivery.observation().stop(WebhookDeliveries.EXECUTED, unknown);
			return;
		}
		if (ServletAnswers.asyncTimedOut(request, ex)) {
			lease.abandon();
			delivery.observation().stop(WebhookDeliveries.FAILED, ex);
			return;
		}
		lease.release((ex != null) ? "handler threw " + ex.getClass().getSimpleName()
				: delivery.handlerRan().get() ? "handler answered " + status : "handler did not run");
		delivery.observation().stop(WebhookDeliveries.FAILED, ex);
	}

	private record Delivery(WebLease lease, WebObservation observation, AtomicBoolean handlerRan) {

		Delivery(WebLease lease, WebObservation observation) {
			this(lease, observation, new AtomicBoolean());
		}

	}

}
