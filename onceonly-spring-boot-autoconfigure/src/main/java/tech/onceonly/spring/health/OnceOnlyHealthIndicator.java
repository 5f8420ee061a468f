package tech.onceonly.spring.health;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import tech.onceonly.client.LocalOperations;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OnceOnlyBackend;

/**
 * The {@code onceonly} health indicator. For the local engine it makes one store round
 * trip (the store's clock and a read of a probe key) and reports {@code backend=local}
 * and the store type. For a remote client it makes one cheap authenticated call
 * ({@code GET /me}) and reports the API host (never the URL's credentials) and the plan.
 * Every check is bounded by a timeout; a failure is {@code DOWN} with the error type
 * only, never its message, so keys and credentials cannot leak into the health output.
 */
public class OnceOnlyHealthIndicator implements HealthIndicator {

	/** The key read by the local store probe; it is never written. */
	public static final String PROBE_KEY = "onceonly:health:probe";

	private final OnceOnly client;

	private final Duration timeout;

	private final @Nullable String host;

	/**
	 * A health indicator.
	 * @param client the client (asked for its {@link OnceOnly#backend() backend})
	 * @param timeout the longest a check may take
	 * @param baseUrl the remote API's base URL, reported as its host only; {@code null}
	 * when unknown
	 */
	public OnceOnlyHealthIndicator(OnceOnly client, Duration timeout, @Nullable String baseUrl) {
		this.client = client;
		this.timeout = timeout;
		this.host = hostOf(baseUrl);
	}

	@Override
	public Health health() {
		OnceOnlyBackend backend = OnceOnlyBackend.of(this.client);
		Optional<LocalOperations> local = backend.localOperations();
		if (local.isPresent()) {
			return local(backend, local.get());
		}
		return remote(this.client);
	}

	private Health local(OnceOnlyBackend backend, LocalOperations local) {
		Health.Builder builder = new Health.Builder().withDetail("backend", backend.kind().tag());
		try {
			backend.storeType().ifPresent((type) -> builder.withDetail("store", type));
			// the probe's failure is a value, not an error signal: one that arrives after
			// the timeout has answered DOWN is then simply dropped, instead of being
			// reported by Reactor as an ERROR with its stack trace on every check
			Optional<RuntimeException> failure = Mono.fromCallable(() -> {
				try {
					local.probeStore(PROBE_KEY);
					return Optional.<RuntimeException>empty();
				}
				catch (RuntimeException ex) {
					return Optional.of(ex);
				}
			}).subscribeOn(Schedulers.boundedElastic()).timeout(this.timeout).block();
			if (failure != null && failure.isPresent()) {
				return down(builder, failure.get());
			}
			return builder.up().build();
		}
		catch (RuntimeException ex) {
			return down(builder, ex);
		}
	}

	private Health remote(OnceOnly remote) {
		Health.Builder builder = new Health.Builder().withDetail("backend", "remote");
		if (this.host != null) {
			builder.withDetail("host", this.host);
		}
		try {
			Map<String, Object> me = remote.reactive().me().timeout(this.timeout).block();
			Object plan = (me != null) ? me.get("plan") : null;
			if (plan instanceof String || plan instanceof Number) {
				builder.withDetail("plan", plan.toString());
			}
			return builder.up().build();
		}
		catch (RuntimeException ex) {
			return down(builder, ex);
		}
	}

	private Health down(Health.Builder builder, RuntimeException ex) {
		Throwable cause = Exceptions.unwrap(ex);
		if (cause instanceof TimeoutException || cause.getCause() instanceof TimeoutException) {
			builder.withDetail("timeout", this.timeout.toString());
			return builder.down().withDetail("error", TimeoutException.class.getSimpleName()).build();
		}
		return builder.down().withDetail("error", errorType(cause)).build();
	}

	private static String errorType(Throwable error) {
		String name = error.getClass().getSimpleName();
		return name.isEmpty() ? error.getClass().getName() : name;
	}

	/**
	 * The host (and port, when explicit) of a URL, without user info, path or query; null
	 * when unparseable.
	 */
	static @Nullable String hostOf(@Nullable String baseUrl) {
		if (baseUrl == null || baseUrl.isBlank()) {
			return null;
		}
		try {
			URI uri = URI.create(baseUrl.trim());
			String host = uri.getHost();
			if (host == null) {
				return null;
			}
			return (uri.getPort() != -1) ? host + ":" + uri.getPort() : host;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
