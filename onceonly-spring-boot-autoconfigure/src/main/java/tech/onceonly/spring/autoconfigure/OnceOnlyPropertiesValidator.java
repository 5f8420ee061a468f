package tech.onceonly.spring.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.util.StringUtils;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The one validation step for {@code onceonly.*} values: run by Spring Boot while it
 * binds {@link OnceOnlyProperties}, so a bad value fails the startup before any bean uses
 * it, and {@link OnceOnlyPropertiesFailureAnalyzer} reports the property, the value and
 * what is allowed. Each message says what is allowed, never which Java field holds it.
 */
final class OnceOnlyPropertiesValidator implements Validator {

	/** The error code of every rejection, so the failure analyzer recognizes ours. */
	static final String CODE = "onceonly.invalid";

	private static final String DURATION_EXAMPLES = " (such as 500ms, 30s, 5m, 1h, 7d, or ISO-8601 PT5M)";

	@Override
	public boolean supports(Class<?> type) {
		return OnceOnlyProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		OnceOnlyProperties properties = (OnceOnlyProperties) target;
		validateRemote(properties, errors);
		validateLocal(properties.getLocal(), errors);
		validateStore(properties.getStore(), errors);
		validateNearCache(properties.getStore().getRedis().getNearCache(), errors);
	}

	private static void validateNearCache(OnceOnlyProperties.Store.Redis.NearCache nearCache, Errors errors) {
		Duration maxAge = nearCache.getMaxAge();
		if (maxAge == null || maxAge.compareTo(Duration.ofMillis(1)) < 0
				|| maxAge.compareTo(Duration.ofMinutes(1)) > 0) {
			errors.rejectValue("store.redis.nearCache.maxAge", CODE,
					"must be a duration between 1ms and 1m (how long a finished lease is served from the process "
							+ "when a delete is not heard), such as 500ms or 2s; was " + maxAge);
		}
		if (nearCache.getMaxEntries() < 1) {
			errors.rejectValue("store.redis.nearCache.maxEntries", CODE,
					"must be a whole number of 1 or more (the most finished leases the Redis near cache keeps), was "
							+ nearCache.getMaxEntries());
		}
		if (nearCache.getMaxBytes() == null || nearCache.getMaxBytes().toBytes() < 1) {
			errors.rejectValue("store.redis.nearCache.maxBytes", CODE,
					"must be a positive size such as 8MB (the most bytes of keys, results and metadata the Redis "
							+ "near cache keeps), was " + nearCache.getMaxBytes());
		}
	}

	private static void validateRemote(OnceOnlyProperties properties, Errors errors) {
		positive(errors, "timeout", properties.getTimeout());
		positive(errors, "connectTimeout", properties.getConnectTimeout());
		String baseUrl = properties.getBaseUrl();
		if (StringUtils.hasText(baseUrl) && !isHttpUrl(baseUrl.strip())) {
			errors.rejectValue("baseUrl", CODE,
					"must be an absolute http:// or https:// URL, such as https://api.onceonly.tech/v1 or "
							+ "http://localhost:8080 for a self-hosted server");
		}
		OnceOnlyProperties.Retry retry = properties.getRetry();
		if (retry.getMaxRetries() < 0) {
			errors.rejectValue("retry.maxRetries", CODE,
					"must be a whole number of 0 or more (0 turns retries off), was " + retry.getMaxRetries());
		}
		notNegative(errors, "retry.backoff", retry.getBackoff());
		notNegative(errors, "retry.maxBackoff", retry.getMaxBackoff());
		notNegative(errors, "retry.retryAfterCap", retry.getRetryAfterCap());
		positive(errors, "remote.maxIdleTime", properties.getRemote().getMaxIdleTime());
		if (properties.getRemote().getMaxConnections() < 1) {
			errors.rejectValue("remote.maxConnections", CODE,
					"must be a whole number of 1 or more, was " + properties.getRemote().getMaxConnections());
		}
	}

	private static void validateLocal(OnceOnlyProperties.Local local, Errors errors) {
		boolean maxValid = atLeastOneSecond(errors, "local.maxTtl", local.getMaxTtl());
		boolean lockValid = atLeastOneSecond(errors, "local.defaultLockTtl", local.getDefaultLockTtl());
		boolean leaseValid = atLeastOneSecond(errors, "local.defaultLeaseTtl", local.getDefaultLeaseTtl());
		atLeastOneSecond(errors, "local.retention", local.getRetention());
		if (maxValid && lockValid && local.getDefaultLockTtl().compareTo(local.getMaxTtl()) > 0) {
			errors.rejectValue("local.defaultLockTtl", CODE,
					"must not be longer than onceonly.local.max-ttl (" + local.getMaxTtl() + ")");
		}
		if (maxValid && leaseValid && local.getDefaultLeaseTtl().compareTo(local.getMaxTtl()) > 0) {
			errors.rejectValue("local.defaultLeaseTtl", CODE,
					"must not be longer than onceonly.local.max-ttl (" + local.getMaxTtl() + ")");
		}
		String namespace = local.getNamespace();
		if (namespace != null && !namespace.isEmpty() && !OnceOnlyNamespace.isValid(namespace)) {
			errors.rejectValue("local.namespace", CODE, OnceOnlyNamespace.RULE);
		}
	}

	private static void validateStore(OnceOnlyProperties.Store store, Errors errors) {
		if (store.getMemory().getMaxEntries() < 1) {
			errors.rejectValue("store.memory.maxEntries", CODE,
					"must be a whole number of 1 or more (the most live keys the in-memory store holds), was "
							+ store.getMemory().getMaxEntries());
		}
		if (store.getMemory().getMaxBytes() == null || store.getMemory().getMaxBytes().toBytes() < 1) {
			errors.rejectValue("store.memory.maxBytes", CODE,
					"must be a positive size such as 64MB or 1GB (the most bytes of keys, metadata and stored "
							+ "results the in-memory store holds), was " + store.getMemory().getMaxBytes());
		}
	}

	private static void positive(Errors errors, String field, @Nullable Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			errors.rejectValue(field, CODE, "must be a positive duration" + DURATION_EXAMPLES);
		}
	}

	private static void notNegative(Errors errors, String field, @Nullable Duration value) {
		if (value == null || value.isNegative()) {
			errors.rejectValue(field, CODE, "must be a duration of 0 or more" + DURATION_EXAMPLES);
		}
	}

	private static boolean atLeastOneSecond(Errors errors, String field, @Nullable Duration value) {
		if (value == null || value.compareTo(Duration.ofSeconds(1)) < 0) {
			errors.rejectValue(field, CODE, "must be a duration of at least 1s" + DURATION_EXAMPLES);
			return false;
		}
		return true;
	}

	private static boolean isHttpUrl(String url) {
		try {
			URI uri = new URI(url);
			String scheme = uri.getScheme();
			return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && uri.getHost() != null;
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

}
