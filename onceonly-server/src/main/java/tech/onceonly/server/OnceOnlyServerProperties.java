package tech.onceonly.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the self-hosted server under {@code onceonly.server.*}: API keys and
 * their tenants and plans, rate limits, quotas, the duplicate answer, the request-id
 * replay window and the tool URL allow-list.
 */
@ConfigurationProperties("onceonly.server")
public class OnceOnlyServerProperties {

	/** The API keys that may call the server; each belongs to a tenant and a plan. */
	private final List<ApiKey> apiKeys = new ArrayList<>();

	/**
	 * Whether a key for the default tenant is generated at startup, and printed once to
	 * the console, when no key is configured.
	 */
	private boolean generateDefaultKey = true;

	/** The tenant of the key generated when no key is configured. */
	private String defaultTenant = "default";

	/**
	 * HTTP status of a check-lock duplicate: 200 (body status "duplicate") or 409
	 * ("Duplicate blocked").
	 */
	private int duplicateStatusCode = 200;

	/**
	 * The largest request body of any {@code /v1} request; larger bodies are answered
	 * 413.
	 */
	private DataSize maxRequestBodySize = DataSize.ofMegabytes(1);

	/** Replay of the first answer to retries of one call (X-OnceOnly-Retry-Token). */
	private final RequestId requestId = new RequestId();

	/** The default per-key rate limit; plans may override it. */
	private final RateLimit rateLimit = new RateLimit();

	/**
	 * Plans by name: monthly quotas and rate limits. A key whose plan is not listed has
	 * no quota.
	 */
	private final Map<String, Plan> plans = new LinkedHashMap<>();

	/**
	 * Hosts (exact names) and CIDR ranges that registered tool URLs may reach although
	 * they are loopback, private, link-local or metadata addresses.
	 */
	private final List<String> toolUrlAllowList = new ArrayList<>();

	public List<ApiKey> getApiKeys() {
		return this.apiKeys;
	}

	public boolean isGenerateDefaultKey() {
		return this.generateDefaultKey;
	}

	public void setGenerateDefaultKey(boolean generateDefaultKey) {
		this.generateDefaultKey = generateDefaultKey;
	}

	public String getDefaultTenant() {
		return this.defaultTenant;
	}

	public void setDefaultTenant(String defaultTenant) {
		this.defaultTenant = defaultTenant;
	}

	public int getDuplicateStatusCode() {
		return this.duplicateStatusCode;
	}

	public void setDuplicateStatusCode(int duplicateStatusCode) {
		this.duplicateStatusCode = duplicateStatusCode;
	}

	/** The largest request body of any {@code /v1} request (default 1MB). */
	public DataSize getMaxRequestBodySize() {
		return this.maxRequestBodySize;
	}

	public void setMaxRequestBodySize(DataSize maxRequestBodySize) {
		this.maxRequestBodySize = maxRequestBodySize;
	}

	public RequestId getRequestId() {
		return this.requestId;
	}

	public RateLimit getRateLimit() {
		return this.rateLimit;
	}

	public Map<String, Plan> getPlans() {
		return this.plans;
	}

	public List<String> getToolUrlAllowList() {
		return this.toolUrlAllowList;
	}

	/**
	 * One API key: give either the plaintext {@code key} (hashed at startup) or its
	 * {@code key-sha256}.
	 */
	public static class ApiKey {

		/**
		 * The key in plaintext; hashed at startup and never logged. Prefer key-sha256 in
		 * files.
		 */
		private @Nullable String key;

		/** The lowercase hex SHA-256 of the key's UTF-8 bytes. */
		private @Nullable String keySha256;

		/**
		 * The tenant the key belongs to: letters, digits, '_', '-' and '.', at most 64
		 * characters.
		 */
		private String tenant = "default";

		/**
		 * Whether the key is accepted; a disabled key is answered 403 "API key disabled".
		 */
		private boolean enabled = true;

		/** The plan of the key (see onceonly.server.plans). */
		private String plan = "self-hosted";

		public @Nullable String getKey() {
			return this.key;
		}

		public void setKey(@Nullable String key) {
			this.key = key;
		}

		public @Nullable String getKeySha256() {
			return this.keySha256;
		}

		public void setKeySha256(@Nullable String keySha256) {
			this.keySha256 = keySha256;
		}

		public String getTenant() {
			return this.tenant;
		}

		public void setTenant(String tenant) {
			this.tenant = tenant;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPlan() {
			return this.plan;
		}

		public void setPlan(String plan) {
			this.plan = plan;
		}

		@Override
		public String toString() {
			return "ApiKey[tenant=" + this.tenant + ", plan=" + this.plan + ", enabled=" + this.enabled + "]";
		}

	}

	/**
	 * Replay of the first answer to retries that carry the same X-OnceOnly-Retry-Token.
	 */
	public static class RequestId {

		/** How long the first answer to a retry token is replayed. */
		private Duration window = Duration.ofMinutes(10);

		/** The most answers kept (the oldest are dropped first). */
		private int maxEntries = 100_000;

		/** Answers with a larger body are not kept for replay. */
		private DataSize maxBodySize = DataSize.ofKilobytes(64);

		/** The most answer bytes kept in all (the oldest are dropped first). */
		private DataSize maxTotalSize = DataSize.ofMegabytes(64);

		/** How long a repeated request waits for the first one still in flight. */
		private Duration inFlightWait = Duration.ofSeconds(30);

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

		public int getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(int maxEntries) {
			this.maxEntries = maxEntries;
		}

		public DataSize getMaxBodySize() {
			return this.maxBodySize;
		}

		public void setMaxBodySize(DataSize maxBodySize) {
			this.maxBodySize = maxBodySize;
		}

		public DataSize getMaxTotalSize() {
			return this.maxTotalSize;
		}

		public void setMaxTotalSize(DataSize maxTotalSize) {
			this.maxTotalSize = maxTotalSize;
		}

		public Duration getInFlightWait() {
			return this.inFlightWait;
		}

		public void setInFlightWait(Duration inFlightWait) {
			this.inFlightWait = inFlightWait;
		}

	}

	/** A token-bucket rate limit per API key. */
	public static class RateLimit {

		/** Sustained requests per second per key; 0 turns rate limiting off. */
		private double requestsPerSecond = 100;

		/** Requests a key may make at once before the sustained rate applies. */
		private int burst = 200;

		public double getRequestsPerSecond() {
			return this.requestsPerSecond;
		}

		public void setRequestsPerSecond(double requestsPerSecond) {
			this.requestsPerSecond = requestsPerSecond;
		}

		public int getBurst() {
			return this.burst;
		}

		public void setBurst(int burst) {
			this.burst = burst;
		}

	}

	/** A plan: monthly quotas per tenant and an optional rate limit per key. */
	public static class Plan {

		/** Check-locks per tenant and calendar month (UTC); unset or 0 for no limit. */
		private long makeLimit;

		/**
		 * Acquired leases per tenant and calendar month (UTC); unset or 0 for no limit.
		 */
		private long aiLimit;

		/**
		 * Sustained requests per second per key of this plan; unset for the default, 0
		 * for no limit.
		 */
		private @Nullable Double requestsPerSecond;

		/** Burst per key of this plan; unset for the default. */
		private @Nullable Integer burst;

		public long getMakeLimit() {
			return this.makeLimit;
		}

		public void setMakeLimit(long makeLimit) {
			this.makeLimit = makeLimit;
		}

		public long getAiLimit() {
			return this.aiLimit;
		}

		public void setAiLimit(long aiLimit) {
			this.aiLimit = aiLimit;
		}

		public @Nullable Double getRequestsPerSecond() {
			return this.requestsPerSecond;
		}

		public void setRequestsPerSecond(@Nullable Double requestsPerSecond) {
			this.requestsPerSecond = requestsPerSecond;
		}

		public @Nullable Integer getBurst() {
			return this.burst;
		}

		public void setBurst(@Nullable Integer burst) {
			this.burst = burst;
		}

	}

}
