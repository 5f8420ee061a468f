package tech.onceonly.spring.web.webhook;

import java.io.IOException;
import java.util.Map;

import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.util.WebUtils;

import tech.onceonly.client.AiRun;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.StaleLeaseException;
import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.web.CachedBodyRequestWrapper;
import tech.onceonly.spring.web.LeaseDecision;
import tech.onceonly.spring.web.ProblemDetails;
import tech.onceonly.spring.web.ServletAnswers;
import tech.onceonly.spring.web.WebObservation;
import tech.onceonly.spring.web.webhook.WebhookDeliveries.IdResolution;

/**
 * Enforces {@link IdempotentWebhook} in Spring MVC before the handler runs: leases the
 * delivery id, answers duplicates (configured 2xx) and deliveries in flight (409 +
 * {@code Retry-After}) without running the handler, and after the handler completes the
 * key on a 2xx answer or releases it on anything else so the provider's retry is
 * processed. Needs {@link WebhookBodyCachingFilter} for ids read from the body. Works
 * with every OnceOnly backend.
 */
public class WebhookIdempotencyInterceptor implements HandlerInterceptor {

	private static final Log logger = LogFactory.getLog(WebhookIdempotencyInterceptor.class);

	private static final String ATTRIBUTE = WebhookIdempotencyInterceptor.class.getName() + ".delivery";

	private static final byte[] NO_BODY = new byte[0];

	private final OnceOnly onceOnly;

	private final WebhookDeliveries deliveries;

	private final WebhookEndpoints endpoints = new WebhookEndpoints();

	private final @Nullable ObservationRegistry observationRegistry;

	/**
	 * An interceptor.
	 * @param onceOnly the OnceOnly client (any backend)
	 * @param settings the settings
	 * @param observationRegistry the registry observations go to, or {@code null} for
	 * none
	 */
	public WebhookIdempotencyInterceptor(OnceOnly onceOnly, WebhookSettings settings,
			@Nullable ObservationRegistry observationRegistry) {
		this.onceOnly = onceOnly;
		this.deliveries = new WebhookDeliveries(settings);
		this.observationRegistry = observationRegistry;
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
		WebObservation observation = WebObservation.start(this.observationRegistry, WebObservation.WEBHOOK,
				endpoint.tag());
		byte[] body = NO_BODY;
		if (endpoint.needsBody()) {
			CachedBodyRequestWrapper cached = WebUtils.getNativeRequest(request, CachedBodyRequestWrapper.class);
			if (cached == null) {
				IllegalStateException ex = new IllegalStateException("@IdempotentWebhook on " + endpoint.methodName()
						+ " reads the delivery id from the body, but the request body is not re-readable; register "
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
		WebhookRequest view = new WebhookRequest(ServletAnswers.headers(request), ServletAnswers.pathVariables(request),
				ServletAnswers.queryParams(request), body);
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
		AiRun lease;
		try {
			lease = this.onceOnly.ai().lease(key, this.deliveries.leaseTtl(endpoint), null);
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
				request.setAttribute(ATTRIBUTE, new Delivery(key, String.valueOf(lease.leaseId()), observation));
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

	@Override
	public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
			@Nullable Exception ex) {
		if (!(request.getAttribute(ATTRIBUTE) instanceof Delivery delivery)) {
			return;
		}
		request.removeAttribute(ATTRIBUTE);
		int status = response.getStatus();
		if (ex == null && status >= 200 && status < 300) {
			try {
				this.onceOnly.ai().complete(delivery.key(), delivery.leaseId(), Map.of("status", status), null);
				delivery.observation().stop(WebhookDeliveries.EXECUTED, null);
			}
			catch (RuntimeException failure) {
				logFinishFailure("complete", failure);
				delivery.observation().stop(WebhookDeliveries.EXECUTED, failure);
			}
			return;
		}
		try {
			this.onceOnly.ai()
				.cancel(delivery.key(), delivery.leaseId(),
						(ex != null) ? "handler threw " + ex.getClass().getSimpleName() : "handler answered " + status);
		}
		catch (RuntimeException failure) {
			logFinishFailure("release", failure);
		}
		delivery.observation().stop(WebhookDeliveries.FAILED, ex);
	}

	private static void logFinishFailure(String action, RuntimeException failure) {
		if (failure instanceof StaleLeaseException) {
			logger.warn("Could not " + action + " a webhook delivery: its lease expired and was taken over; "
					+ "raise the lease time of handlers that run this long");
		}
		else {
			logger.warn("Could not " + action + " a webhook delivery; its key is freed when the lease expires",
					failure);
		}
	}

	private record Delivery(String key, String leaseId, WebObservation observation) {
	}

}
