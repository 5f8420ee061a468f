package tech.onceonly.spring.web.idempotency;

import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.util.WebUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import tech.onceonly.client.AiRun;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.spring.annotation.IdempotencyKey;
import tech.onceonly.spring.web.CachedBodyRequestWrapper;
import tech.onceonly.spring.web.LeaseDecision;
import tech.onceonly.spring.web.ProblemDetails;
import tech.onceonly.spring.web.ServletAnswers;
import tech.onceonly.spring.web.WebLease;
import tech.onceonly.spring.web.WebObservation;

/**
 * The Spring MVC half of Idempotency-Key support: for handlers annotated with
 * {@link IdempotencyKey}, or requests matching {@code onceonly.idempotency-key.paths}, it
 * checks the header (400 when missing or invalid), fingerprints the request, and leases
 * the key scoped by caller, method and route before the handler runs. A retry of a
 * finished request gets the stored response replayed with
 * {@code Idempotent-Replayed: true} (or 422 when its payload differs), a retry while the
 * first is running gets 409 with {@code Retry-After}. {@link IdempotencyKeyFilter} stores
 * the first response afterwards.
 */
public class IdempotencyKeyInterceptor implements HandlerInterceptor {

	private static final Log logger = LogFactory.getLog(IdempotencyKeyInterceptor.class);

	/** The guard of a handler that is not annotated. */
	private static final Guard UNGUARDED = new Guard(null, false, Duration.ZERO, Duration.ZERO);

	private final OnceOnly onceOnly;

	private final IdempotencyKeyRules rules;

	private final IdempotencyKeyScopeResolver scopeResolver;

	private final @Nullable ObservationRegistry observationRegistry;

	private final List<PathPattern> paths;

	private final Map<Method, Guard> guards = new ConcurrentHashMap<>();

	/** The guard of a request matched by a configured path. */
	private final Guard pathGuard;

	private final Heartbeats heartbeats;

	private final LeaseEvents events;

	/**
	 * An interceptor on the JVM-wide heartbeats that logs lease events.
	 * @param onceOnly the OnceOnly client (any backend)
	 * @param settings the settings (shared with the filter)
	 * @param scopeResolver names the caller
	 * @param observationRegistry the registry observations go to, or {@code null} for
	 * none
	 */
	public IdempotencyKeyInterceptor(OnceOnly onceOnly, IdempotencyKeySettings settings,
			IdempotencyKeyScopeResolver scopeResolver, @Nullable ObservationRegistry observationRegistry) {
		this(onceOnly, settings, scopeResolver, observationRegistry, Heartbeats.shared(), LeaseEvents.LOGGING);
	}

	/**
	 * An interceptor.
	 * @param onceOnly the OnceOnly client (any backend)
	 * @param settings the settings (shared with the filter)
	 * @param scopeResolver names the caller
	 * @param observationRegistry the registry observations go to, or {@code null} for
	 * none
	 * @param heartbeats keeps the lease of a request alive from the moment it is taken
	 * until the filter records its outcome
	 * @param events where lost leases and unknown outcomes are reported
	 */
	public IdempotencyKeyInterceptor(OnceOnly onceOnly, IdempotencyKeySettings settings,
			IdempotencyKeyScopeResolver scopeResolver, @Nullable ObservationRegistry observationRegistry,
			Heartbeats heartbeats, LeaseEvents events) {
		this.heartbeats = heartbeats;
		this.events = events;
		this.onceOnly = onceOnly;
		this.rules = new IdempotencyKeyRules(settings);
		this.scopeResolver = scopeResolver;
		this.observationRegistry = observationRegistry;
		this.paths = settings.paths().stream().map(PathPatternParser.defaultInstance::parse).toList();
		this.pathGuard = Guard.of(null, settings);
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws IOException {
		if (PendingRequest.isAttached(request)) {
			return true;
		}
		Guard guard = (handler instanceof HandlerMethod method) ? guard(method) : UNGUARDED;
		if (guard.annotation() == null) {
			if (!matchesPaths(request)) {
				return true;
			}
			guard = this.pathGuard;
		}
		IdempotencyKeySettings settings = this.rules.settings();
		IdempotencyKeyHeader.Parsed parsed = IdempotencyKeyHeader.parse(
				headerLines(request.getHeaders(IdempotencyKeyHeader.NAME)), settings.allowBareTokens(),
				settings.maxKeyLength());
		if (parsed.absent() && !guard.required()) {
			return true;
		}
		WebObservation observation = WebObservation.start(this.observationRegistry, WebObservation.IDEMPOTENCY_KEY,
				null);
		String clientKey = parsed.key();
		if (clientKey == null) {
			byte[] problem = parsed.absent() ? IdempotencyKeyRules.missingKeyProblem()
					: IdempotencyKeyRules.invalidKeyProblem(String.valueOf(parsed.problem()));
			ServletAnswers.write(response, 400, ProblemDetails.MEDIA_TYPE, problem);
			observation.stop(IdempotencyKeyRules.MISSING_KEY, null);
			return false;
		}
		CachedBodyRequestWrapper body = WebUtils.getNativeRequest(request, CachedBodyRequestWrapper.class);
		CapturingResponseWrapper capture = WebUtils.getNativeResponse(response, CapturingResponseWrapper.class);
		if (body == null || capture == null) {
			IllegalStateException ex = new IllegalStateException("Idempotency-Key support needs IdempotencyKeyFilter "
					+ "in front of the DispatcherServlet (the OnceOnly auto-configuration registers it)");
			observation.stop(IdempotencyKeyRules.FAILED, ex);
			throw ex;
		}
		String fingerprint;
		try {
			fingerprint = RequestFingerprint.of(request.getMethod(), request.getRequestURI(), request.getQueryString(),
					request.getContentType(), body.cachedBody());
		}
		catch (CachedBodyRequestWrapper.BodyTooLargeException ex) {
			ServletAnswers.write(response, 413, ProblemDetails.MEDIA_TYPE,
					IdempotencyKeyRules.tooLargeProblem(ex.limit()));
			observation.stop(IdempotencyKeyRules.FAILED, null);
			return false;
		}
		String key = this.rules.storageKey(this.scopeResolver.resolve(request), request.getMethod(),
				ServletAnswers.route(request), clientKey);
		Duration leaseTtl = guard.leaseTtl();
		long takenAt = this.heartbeats.nanoTime();
		AiRun lease;
		// the request's observation is current while its client calls run: it covers them
		try (WebObservation.Scope scope = observation.openScope()) {
			lease = this.onceOnly.ai().lease(key, leaseTtl, null);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not check an Idempotency-Key; answering 503", ex);
			unavailable(response);
			observation.stop(IdempotencyKeyRules.FAILED, ex);
			return false;
		}
		switch (LeaseDecision.of(lease)) {
			case RUN -> {
				WebLease held = WebLease.keep(this.onceOnly, this.heartbeats, this.events, WebLease.IDEMPOTENCY_KEY,
						key, String.valueOf(lease.leaseId()), leaseTtl, guard.heartbeat(), takenAt, observation);
				new PendingRequest(held, fingerprint, observation).attach(request);
				capture.startCapture();
				return true;
			}
			case IN_PROGRESS -> {
				long retryAfter = this.rules.retryAfterSeconds(lease);
				response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
				ServletAnswers.write(response, 409, ProblemDetails.MEDIA_TYPE,
						IdempotencyKeyRules.inProgressProblem(retryAfter));
				observation.stop(IdempotencyKeyRules.IN_PROGRESS, null);
				return false;
			}
			default -> {
				replayOrRefuse(key, lease, fingerprint, response, observation);
				return false;
			}
		}
	}

	/**
	 * Notes that the handler ran to its end (on the last dispatch of an async handler):
	 * only then may its answer be stored under the key.
	 */
	@Override
	public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler,
			@Nullable ModelAndView modelAndView) {
		PendingRequest pending = PendingRequest.peek(request);
		if (pending != null) {
			pending.handlerRan().set(true);
		}
	}

	/**
	 * Replays the stored response of a finished key. A lease answer that carries the
	 * result (the local engine's always does) is used as it is, so a replay costs one
	 * store read; otherwise (a backend whose lease answer omits it) the result is read.
	 */
	private void replayOrRefuse(String key, AiRun lease, String fingerprint, HttpServletResponse response,
			WebObservation observation) throws IOException {
		Map<String, Object> answer;
		if (lease.carriesResult()) {
			answer = lease.result();
		}
		else {
			try {
				answer = this.onceOnly.ai().result(key).result();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not read a stored Idempotency-Key response; answering 503", ex);
				unavailable(response);
				observation.stop(IdempotencyKeyRules.FAILED, ex);
				return;
			}
		}
		StoredResponse stored;
		try {
			stored = StoredResponse.fromResult(answer);
		}
		catch (StoredResponse.NewerFormatException ex) {
			long retryAfter = Math.max(1, this.rules.settings().retryAfter().toSeconds());
			response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
			ServletAnswers.write(response, 409, ProblemDetails.MEDIA_TYPE,
					StoredResponse.newerFormatProblem(retryAfter));
			observation.stop(IdempotencyKeyRules.FAILED, null);
			return;
		}
		if (stored == null) {
			ServletAnswers.write(response, 422, ProblemDetails.MEDIA_TYPE, IdempotencyKeyRules.unusableProblem());
			observation.stop(IdempotencyKeyRules.FAILED, null);
			return;
		}
		if (!stored.fingerprint().equals(fingerprint)) {
			ServletAnswers.write(response, 422, ProblemDetails.MEDIA_TYPE, IdempotencyKeyRules.mismatchProblem());
			observation.stop(IdempotencyKeyRules.MISMATCH, null);
			return;
		}
		response.resetBuffer();
		response.setStatus(stored.status());
		stored.headers().forEach((name, values) -> values.forEach((value) -> response.addHeader(name, value)));
		response.setHeader(IdempotencyKeyRules.REPLAYED_HEADER, "true");
		byte[] body = (stored.body() != null) ? stored.body() : new byte[0];
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
		observation.stop(IdempotencyKeyRules.REPLAYED, null);
	}

	private void unavailable(HttpServletResponse response) throws IOException {
		response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(this.rules.settings().retryAfter().toSeconds()));
		ServletAnswers.write(response, 503, ProblemDetails.MEDIA_TYPE, IdempotencyKeyRules.unavailableProblem());
	}

	private Guard guard(HandlerMethod handlerMethod) {
		Guard guard = this.guards.get(handlerMethod.getMethod());
		if (guard != null) {
			return guard;
		}
		return this.guards.computeIfAbsent(handlerMethod.getMethod(), (method) -> {
			IdempotencyKey found = AnnotatedElementUtils.findMergedAnnotation(method, IdempotencyKey.class);
			if (found == null) {
				found = AnnotatedElementUtils.findMergedAnnotation(handlerMethod.getBeanType(), IdempotencyKey.class);
			}
			return (found != null) ? Guard.of(found, this.rules.settings()) : UNGUARDED;
		});
	}

	/** The lines of a header, without copying the common single line into a new list. */
	private static List<String> headerLines(@Nullable Enumeration<String> lines) {
		if (lines == null || !lines.hasMoreElements()) {
			return List.of();
		}
		String first = lines.nextElement();
		if (!lines.hasMoreElements()) {
			return List.of(first);
		}
		List<String> all = new ArrayList<>();
		all.add(first);
		while (lines.hasMoreElements()) {
			all.add(lines.nextElement());
		}
		return all;
	}

	private boolean matchesPaths(HttpServletRequest request) {
		if (this.paths.isEmpty() || !this.rules.settings().methods().contains(request.getMethod())) {
			return false;
		}
		String path = request.getRequestURI().substring(request.getContextPath().length());
		PathContainer container = PathContainer.parsePath(path);
		for (PathPattern pattern : this.paths) {
			if (pattern.matches(container)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * How a handler is guarded, resolved once per handler method.
	 *
	 * @param annotation the handler's annotation, or {@code null} when it has none
	 * @param required whether a request without a key is refused
	 * @param leaseTtl the lease ttl of its requests
	 * @param heartbeat the heartbeat period of that ttl
	 */
	private record Guard(@Nullable IdempotencyKey annotation, boolean required, Duration leaseTtl, Duration heartbeat) {

		static Guard of(@Nullable IdempotencyKey annotation, IdempotencyKeySettings settings) {
			Duration ttl = (annotation != null && annotation.leaseTtlSeconds() > 0)
					? Duration.ofSeconds(annotation.leaseTtlSeconds()) : settings.leaseTtl();
			boolean required = (annotation != null) ? annotation.required() : settings.required();
			return new Guard(annotation, required, ttl, Heartbeats.period(ttl, null));
		}

	}

}
