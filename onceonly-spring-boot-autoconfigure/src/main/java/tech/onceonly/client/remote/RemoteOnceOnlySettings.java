package tech.onceonly.client.remote;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How {@link RemoteOnceOnly} reaches the OnceOnly API: where, with which key, how long it
 * waits, whether check-lock fails open, and how it retries. Immutable;
 * {@link #toString()} never shows the API key.
 *
 * @param baseUrl the API base URL, normalised as the SDKs do (see
 * {@link #normalizeBaseUrl(String)})
 * @param apiKey the API key, sent as {@code Authorization: Bearer <key>}; never logged
 * @param timeout the longest wait for one attempt's answer (headers and body)
 * @param connectTimeout the longest wait to open a connection
 * @param failOpen whether check-lock answers "locked" when the API cannot be reached or
 * answers 5xx
 * @param maxRetries extra attempts after a 429, 500, 502, 503, 504 or a transport error
 * (0 disables retries)
 * @param retryBackoff the first backoff; attempt {@code n} waits
 * {@code retryBackoff × 2^n} before jitter
 * @param retryMaxBackoff the longest computed backoff
 * @param retryAfterCap the longest wait honoured from a server's {@code Retry-After}
 * @param jitter the jitter factor in [0, 1]: a computed backoff {@code d} becomes
 * {@code d × (1 − jitter × r)} with {@code r} uniform in [0, 1); 0 disables jitter
 * @param userAgent the {@code User-Agent} header
 * @param httpClient the HTTP client library: Reactor Netty when present
 * ({@link RemoteHttpClient#AUTO}), or the one named
 * @param maxIdleTime how long a pooled connection may stay idle before the client closes
 * it (Reactor Netty); kept below common server keep-alive timeouts so a connection the
 * server has closed is not reused
 * @param maxConnections the most connections the client opens at once (Reactor Netty;
 * further calls wait for a free one within their timeout)
 */
public record RemoteOnceOnlySettings(String baseUrl, String apiKey, Duration timeout, Duration connectTimeout,
		boolean failOpen, int maxRetries, Duration retryBackoff, Duration retryMaxBackoff, Duration retryAfterCap,
		double jitter, String userAgent, RemoteHttpClient httpClient, Duration maxIdleTime, int maxConnections) {

	/** The default {@link #maxIdleTime()}: 20 seconds. */
	public static final Duration DEFAULT_MAX_IDLE_TIME = Duration.ofSeconds(20);

	/** The default {@link #maxConnections()}. */
	public static final int DEFAULT_MAX_CONNECTIONS = 500;

	/** The hosted API. */
	public static final String DEFAULT_BASE_URL = "https://api.onceonly.tech/v1";

	/** The jitter factor used when jitter is simply switched on. */
	public static final double DEFAULT_JITTER = 0.5;

	/** The default {@code User-Agent}: {@code onceonly-java-sdk/<version>}. */
	public static final String DEFAULT_USER_AGENT = "onceonly-java-sdk/" + version();

	/** Checks and normalises the settings. */
	public RemoteOnceOnlySettings {
		Objects.requireNonNull(apiKey, "apiKey is required");
		if (apiKey.isBlank()) {
			throw new IllegalArgumentException("apiKey is required");
		}
		baseUrl = normalizeBaseUrl(baseUrl);
		requirePositive(timeout, "timeout");
		requirePositive(connectTimeout, "connectTimeout");
		requireNotNegative(retryBackoff, "retryBackoff");
		requireNotNegative(retryMaxBackoff, "retryMaxBackoff");
		requireNotNegative(retryAfterCap, "retryAfterCap");
		if (maxRetries < 0) {
			throw new IllegalArgumentException("maxRetries must not be negative, was " + maxRetries);
		}
		if (!(jitter >= 0 && jitter <= 1)) {
			throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
		}
		if (userAgent == null || userAgent.isBlank()) {
			userAgent = DEFAULT_USER_AGENT;
		}
		Objects.requireNonNull(httpClient, "httpClient");
		requirePositive(maxIdleTime, "maxIdleTime");
		if (maxConnections < 1) {
			throw new IllegalArgumentException("maxConnections must be at least 1, was " + maxConnections);
		}
	}

	/** A builder with the defaults, for the given API key. */
	public static Builder builder(String apiKey) {
		return new Builder(apiKey);
	}

	/** A builder that starts from these settings. */
	public Builder toBuilder() {
		return new Builder(this.apiKey).baseUrl(this.baseUrl)
			.timeout(this.timeout)
			.connectTimeout(this.connectTimeout)
			.failOpen(this.failOpen)
			.maxRetries(this.maxRetries)
			.retryBackoff(this.retryBackoff)
			.retryMaxBackoff(this.retryMaxBackoff)
			.retryAfterCap(this.retryAfterCap)
			.jitter(this.jitter)
			.userAgent(this.userAgent)
			.httpClient(this.httpClient)
			.maxIdleTime(this.maxIdleTime)
			.maxConnections(this.maxConnections);
	}

	/**
	 * Normalises a base URL the way the SDKs do: surrounding blanks and trailing slashes
	 * are removed, and a URL whose path is then empty gets {@code /v1}; any other path is
	 * kept exactly as given. A blank value gives the hosted API.
	 * @param url the configured URL
	 * @return the base every endpoint path is appended to
	 */
	public static String normalizeBaseUrl(@Nullable String url) {
		if (url == null || url.isBlank()) {
			return DEFAULT_BASE_URL;
		}
		String trimmed = url.strip();
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		try {
			URI uri = new URI(trimmed);
			String path = uri.getRawPath();
			if (uri.getScheme() != null && uri.getRawAuthority() != null && (path == null || path.isEmpty())) {
				return trimmed + "/v1";
			}
		}
		catch (URISyntaxException ex) {
			// an unparseable URL is kept as trimmed, like the TypeScript SDK does
		}
		return trimmed;
	}

	@Override
	public String toString() {
		return "RemoteOnceOnlySettings[baseUrl=" + this.baseUrl + ", apiKey=<redacted>, timeout=" + this.timeout
				+ ", connectTimeout=" + this.connectTimeout + ", failOpen=" + this.failOpen + ", maxRetries="
				+ this.maxRetries + ", retryBackoff=" + this.retryBackoff + ", retryMaxBackoff=" + this.retryMaxBackoff
				+ ", retryAfterCap=" + this.retryAfterCap + ", jitter=" + this.jitter + ", userAgent=" + this.userAgent
				+ ", httpClient=" + this.httpClient + ", maxIdleTime=" + this.maxIdleTime + ", maxConnections="
				+ this.maxConnections + "]";
	}

	private static void requirePositive(Duration value, String name) {
		Objects.requireNonNull(value, name);
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
	}

	private static void requireNotNegative(Duration value, String name) {
		Objects.requireNonNull(value, name);
		if (value.isNegative()) {
			throw new IllegalArgumentException(name + " must not be negative, was " + value);
		}
	}

	private static String version() {
		String version = RemoteOnceOnlySettings.class.getPackage().getImplementationVersion();
		return (version != null) ? version : "dev";
	}

	/** Builds {@link RemoteOnceOnlySettings}, starting from the documented defaults. */
	public static final class Builder {

		private final String apiKey;

		private @Nullable String baseUrl = DEFAULT_BASE_URL;

		private Duration timeout = Duration.ofSeconds(5);

		private Duration connectTimeout = Duration.ofSeconds(5);

		private boolean failOpen = true;

		private int maxRetries = 3;

		private Duration retryBackoff = Duration.ofMillis(500);

		private Duration retryMaxBackoff = Duration.ofSeconds(10);

		private Duration retryAfterCap = Duration.ofSeconds(30);

		private double jitter = DEFAULT_JITTER;

		private @Nullable String userAgent = DEFAULT_USER_AGENT;

		private RemoteHttpClient httpClient = RemoteHttpClient.AUTO;

		private Duration maxIdleTime = DEFAULT_MAX_IDLE_TIME;

		private int maxConnections = DEFAULT_MAX_CONNECTIONS;

		private Builder(String apiKey) {
			this.apiKey = apiKey;
		}

		/**
		 * The API base URL (default {@value RemoteOnceOnlySettings#DEFAULT_BASE_URL};
		 * blank for the default).
		 */
		public Builder baseUrl(@Nullable String value) {
			this.baseUrl = value;
			return this;
		}

		/** The longest wait for one attempt's answer (default 5 s). */
		public Builder timeout(Duration value) {
			this.timeout = value;
			return this;
		}

		/** The longest wait to open a connection (default 5 s). */
		public Builder connectTimeout(Duration value) {
			this.connectTimeout = value;
			return this;
		}

		/** Whether check-lock fails open (default true). */
		public Builder failOpen(boolean value) {
			this.failOpen = value;
			return this;
		}

		/** Extra attempts after a retryable failure (default 3). */
		public Builder maxRetries(int value) {
			this.maxRetries = value;
			return this;
		}

		/** The first backoff (default 0.5 s). */
		public Builder retryBackoff(Duration value) {
			this.retryBackoff = value;
			return this;
		}

		/** The longest computed backoff (default 10 s). */
		public Builder retryMaxBackoff(Duration value) {
			this.retryMaxBackoff = value;
			return this;
		}

		/** The longest wait honoured from a {@code Retry-After} header (default 30 s). */
		public Builder retryAfterCap(Duration value) {
			this.retryAfterCap = value;
			return this;
		}

		/** The jitter factor in [0, 1] (default 0.5; 0 disables jitter). */
		public Builder jitter(double value) {
			this.jitter = value;
			return this;
		}

		/**
		 * Jitter on ({@value RemoteOnceOnlySettings#DEFAULT_JITTER}) or off (0), as
		 * {@code onceonly.retry.jitter}.
		 */
		public Builder jitter(boolean enabled) {
			this.jitter = enabled ? DEFAULT_JITTER : 0;
			return this;
		}

		/**
		 * The {@code User-Agent} header; {@code null} or blank for
		 * {@code onceonly-java-sdk/<version>}.
		 */
		public Builder userAgent(@Nullable String value) {
			this.userAgent = value;
			return this;
		}

		/**
		 * The HTTP client library (default {@link RemoteHttpClient#AUTO}: Reactor Netty
		 * when it is on the classpath, the JDK {@code HttpClient} otherwise).
		 */
		public Builder httpClient(RemoteHttpClient value) {
			this.httpClient = value;
			return this;
		}

		/**
		 * How long a pooled connection may stay idle before it is closed (default 20 s;
		 * Reactor Netty).
		 */
		public Builder maxIdleTime(Duration value) {
			this.maxIdleTime = value;
			return this;
		}

		/** The most connections open at once (default 500; Reactor Netty). */
		public Builder maxConnections(int value) {
			this.maxConnections = value;
			return this;
		}

		/** The settings. */
		public RemoteOnceOnlySettings build() {
			return new RemoteOnceOnlySettings(normalizeBaseUrl(this.baseUrl), this.apiKey, this.timeout,
					this.connectTimeout, this.failOpen, this.maxRetries, this.retryBackoff, this.retryMaxBackoff,
					this.retryAfterCap, this.jitter, (this.userAgent != null) ? this.userAgent : DEFAULT_USER_AGENT,
					this.httpClient, this.maxIdleTime, this.maxConnections);
		}

	}

}
