package tech.onceonly.spring.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import tech.onceonly.client.remote.RemoteHttpClient;
import tech.onceonly.client.remote.RemoteOnceOnlySettings;

/**
 * Configuration of OnceOnly under {@code onceonly.*}: which backend to use, how to reach
 * the hosted API, and the local engine's store and defaults.
 */
@ConfigurationProperties("onceonly")
public class OnceOnlyProperties implements Validator {

	private static final Validator VALIDATOR = new OnceOnlyPropertiesValidator();

	/** Whether OnceOnly is auto-configured at all. */
	private boolean enabled = true;

	/**
	 * Which backend serves the client: "auto" uses the remote API when an api-key is set
	 * and the local engine otherwise; "remote" always uses the API; "local" always uses
	 * the in-process engine.
	 */
	private Mode mode = Mode.AUTO;

	/**
	 * API key of the OnceOnly API (Bearer token); never logged. Also read from
	 * ONCEONLY_API_KEY.
	 */
	private @Nullable String apiKey;

	/**
	 * Base URL of the OnceOnly API; "/v1" is added when the URL has no path. Also read
	 * from ONCEONLY_BASE_URL.
	 */
	private String baseUrl = "https://api.onceonly.tech/v1";

	/** Time limit of one HTTP request to the API (connect excluded). */
	private Duration timeout = Duration.ofSeconds(5);

	/** Time limit for opening a connection to the API. */
	private Duration connectTimeout = Duration.ofSeconds(5);

	/**
	 * Whether check-lock lets the action proceed when the API cannot be reached
	 * (timeouts, connection errors, 5xx). Errors such as 401, 402, 403, 422 and 429 never
	 * fail open.
	 */
	private boolean failOpen = true;

	/** User-Agent sent to the API; defaults to onceonly-java-sdk/VERSION. */
	private @Nullable String userAgent;

	/** Retries of API calls. */
	private final Retry retry = new Retry();

	/** The remote client's HTTP transport. */
	private final Remote remote = new Remote();

	/** The local engine's store. */
	private final Store store = new Store();

	/** Defaults and limits of the local engine. */
	private final Local local = new Local();

	/** The @Idempotent and @IdempotentAi annotations. */
	private final Annotations annotations = new Annotations();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Mode getMode() {
		return this.mode;
	}

	public void setMode(Mode mode) {
		this.mode = mode;
	}

	public @Nullable String getApiKey() {
		return this.apiKey;
	}

	public void setApiKey(@Nullable String apiKey) {
		this.apiKey = apiKey;
	}

	public String getBaseUrl() {
		return this.baseUrl;
	}

	public void setBaseUrl(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public boolean isFailOpen() {
		return this.failOpen;
	}

	public void setFailOpen(boolean failOpen) {
		this.failOpen = failOpen;
	}

	public @Nullable String getUserAgent() {
		return this.userAgent;
	}

	public void setUserAgent(@Nullable String userAgent) {
		this.userAgent = userAgent;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Remote getRemote() {
		return this.remote;
	}

	public Store getStore() {
		return this.store;
	}

	public Local getLocal() {
		return this.local;
	}

	public Annotations getAnnotations() {
		return this.annotations;
	}

	/**
	 * Whether this validates {@code type}: only OnceOnly's own properties. Spring Boot
	 * calls {@link #validate} when it binds them.
	 */
	@Override
	public boolean supports(Class<?> type) {
		return VALIDATOR.supports(type);
	}

	/**
	 * Checks every {@code onceonly.*} value at binding time; a bad one fails the startup
	 * with the property, the value and what is allowed.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		VALIDATOR.validate(target, errors);
	}

	@Override
	public String toString() {
		return "OnceOnlyProperties[mode=" + this.mode + ", baseUrl=" + this.baseUrl + ", apiKey="
				+ ((this.apiKey != null) ? "******" : "unset") + "]";
	}

	/** Which backend serves the client. */
	public enum Mode {

		/** Remote when an api-key is set, local otherwise. */
		AUTO,

		/** The OnceOnly API (hosted or self-hosted). */
		REMOTE,

		/** The in-process engine on the configured store. */
		LOCAL

	}

	/** The remote client's HTTP transport. */
	public static class Remote {

		/**
		 * HTTP client library of the remote client: "auto" uses Reactor Netty when
		 * reactor-netty-http is on the classpath (as in WebFlux applications) and the JDK
		 * HttpClient otherwise; "reactor-netty" or "jdk" chooses one.
		 */
		private RemoteHttpClient httpClient = RemoteHttpClient.AUTO;

		/**
		 * How long a pooled connection may stay idle before the client closes it (Reactor
		 * Netty). Keep it below the keep-alive timeout of the server and of any proxy in
		 * between.
		 */
		private Duration maxIdleTime = RemoteOnceOnlySettings.DEFAULT_MAX_IDLE_TIME;

		/**
		 * Most connections the remote client opens at once (Reactor Netty); further calls
		 * wait for a free one within their timeout.
		 */
		private int maxConnections = RemoteOnceOnlySettings.DEFAULT_MAX_CONNECTIONS;

		public RemoteHttpClient getHttpClient() {
			return this.httpClient;
		}

		public void setHttpClient(RemoteHttpClient httpClient) {
			this.httpClient = httpClient;
		}

		public Duration getMaxIdleTime() {
			return this.maxIdleTime;
		}

		public void setMaxIdleTime(Duration maxIdleTime) {
			this.maxIdleTime = maxIdleTime;
		}

		public int getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
		}

	}

	/** Retries of API calls (429, 5xx and transport errors). */
	public static class Retry {

		/** Extra attempts after the first one; 0 disables retries. */
		private int maxRetries = 3;

		/** Base delay of the exponential backoff. */
		private Duration backoff = Duration.ofMillis(500);

		/** Longest backoff delay. */
		private Duration maxBackoff = Duration.ofSeconds(10);

		/** Longest wait honoured from a server's Retry-After header. */
		private Duration retryAfterCap = Duration.ofSeconds(30);

		/** Whether backoff delays get random jitter. */
		private boolean jitter = true;

		public int getMaxRetries() {
			return this.maxRetries;
		}

		public void setMaxRetries(int maxRetries) {
			this.maxRetries = maxRetries;
		}

		public Duration getBackoff() {
			return this.backoff;
		}

		public void setBackoff(Duration backoff) {
			this.backoff = backoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public Duration getRetryAfterCap() {
			return this.retryAfterCap;
		}

		public void setRetryAfterCap(Duration retryAfterCap) {
			this.retryAfterCap = retryAfterCap;
		}

		public boolean isJitter() {
			return this.jitter;
		}

		public void setJitter(boolean jitter) {
			this.jitter = jitter;
		}

	}

	/** The local engine's store. */
	public static class Store {

		/**
		 * Which store backs the local engine. When unset: the in-memory store (a JDBC or
		 * Redis store is used only when chosen here, so adding a DataSource to an app
		 * never silently moves its keys).
		 */
		private StoreType type = StoreType.MEMORY;

		/** The in-memory store. */
		private final Memory memory = new Memory();

		/** The JDBC store (onceonly.store.type=jdbc). */
		private final Jdbc jdbc = new Jdbc();

		/** The Redis store (onceonly.store.type=redis). */
		private final Redis redis = new Redis();

		public StoreType getType() {
			return this.type;
		}

		public void setType(StoreType type) {
			this.type = type;
		}

		public Memory getMemory() {
			return this.memory;
		}

		public Jdbc getJdbc() {
			return this.jdbc;
		}

		public Redis getRedis() {
			return this.redis;
		}

		/**
		 * The JDBC store: two tables in the application's DataSource (PostgreSQL,
		 * MariaDB/MySQL or H2).
		 */
		public static class Jdbc {

			/**
			 * Prefix of the two table names ("locks" and "leases" follow it); may name a
			 * schema, as in "app.onceonly_".
			 */
			private String tablePrefix = "onceonly_";

			/**
			 * When the starter creates the tables that are missing, as Spring Boot's own
			 * schema initialisers do: "embedded" only for an embedded database such as
			 * in-memory H2 (the default), "always" (the script only creates what is
			 * missing), or "never" (the tables come from the shipped Flyway or Liquibase
			 * migration, see docs/stores.md). Missing tables fail the startup, saying so.
			 */
			private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.EMBEDDED;

			/** The scheduled purge of rows that no longer matter. */
			private final Purge purge = new Purge();

			public Purge getPurge() {
				return this.purge;
			}

			public String getTablePrefix() {
				return this.tablePrefix;
			}

			public void setTablePrefix(String tablePrefix) {
				this.tablePrefix = tablePrefix;
			}

			public DatabaseInitializationMode getInitializeSchema() {
				return this.initializeSchema;
			}

			public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
				this.initializeSchema = initializeSchema;
			}

			/**
			 * The scheduled purge of every OnceOnly table: expired locks, leases past
			 * retention, governance counters of past windows, audit rows and events past
			 * retention. Only one instance purges at a time (guarded by a check-lock).
			 */
			public static class Purge {

				/** Whether the purge runs on a schedule. */
				private boolean enabled = true;

				/** Time between the end of one purge and the start of the next. */
				private Duration interval = Duration.ofMinutes(5);

				/** The most rows one delete statement removes. */
				private int batchSize = 1000;

				public boolean isEnabled() {
					return this.enabled;
				}

				public void setEnabled(boolean enabled) {
					this.enabled = enabled;
				}

				public Duration getInterval() {
					return this.interval;
				}

				public void setInterval(Duration interval) {
					this.interval = interval;
				}

				public int getBatchSize() {
					return this.batchSize;
				}

				public void setBatchSize(int batchSize) {
					this.batchSize = batchSize;
				}

			}

		}

		/** The Redis store: hashes in the application's Redis. */
		public static class Redis {

			/** Prefix of every Redis key the store writes; must not contain braces. */
			private String keyPrefix = "onceonly:";

			/**
			 * What the startup safety checks do with an unsafe Redis (no persistence, an
			 * evicting maxmemory-policy, a version older than 6.0): "fail" the startup,
			 * report "health" DOWN with the reason (and log it), or "off".
			 */
			private SafetyChecks safetyChecks = SafetyChecks.FAIL;

			/**
			 * Whether a Redis that keeps nothing on disk (no AOF, no RDB save points) is
			 * unsafe. Set false only when the provider persists the data in a way Redis
			 * does not report.
			 */
			private boolean requirePersistence = true;

			/**
			 * Whether a maxmemory-policy other than noeviction is unsafe (it evicts live
			 * locks and leases when memory fills).
			 */
			private boolean requireNoeviction = true;

			public SafetyChecks getSafetyChecks() {
				return this.safetyChecks;
			}

			public void setSafetyChecks(SafetyChecks safetyChecks) {
				this.safetyChecks = safetyChecks;
			}

			public boolean isRequirePersistence() {
				return this.requirePersistence;
			}

			public void setRequirePersistence(boolean requirePersistence) {
				this.requirePersistence = requirePersistence;
			}

			public boolean isRequireNoeviction() {
				return this.requireNoeviction;
			}

			public void setRequireNoeviction(boolean requireNoeviction) {
				this.requireNoeviction = requireNoeviction;
			}

			/** What the startup safety checks do with an unsafe Redis. */
			public enum SafetyChecks {

				/** Fail the startup with the reason. */
				FAIL,

				/** Start, log the reason, and report the OnceOnly Redis health DOWN. */
				HEALTH,

				/** Do not check. */
				OFF

			}

			public String getKeyPrefix() {
				return this.keyPrefix;
			}

			public void setKeyPrefix(String keyPrefix) {
				this.keyPrefix = keyPrefix;
			}

			/** The in-process cache of finished leases that answers replays. */
			private final NearCache nearCache = new NearCache();

			public NearCache getNearCache() {
				return this.nearCache;
			}

			/**
			 * The near cache: completed and failed leases kept in the process (Lettuce
			 * only), evicted on every instance when one deletes them.
			 */
			public static class NearCache {

				/** Whether finished leases are kept in the process to answer replays. */
				private boolean enabled = true;

				/**
				 * The longest a finished lease is served from the process after it was
				 * read or written: how stale a replay can be when a delete is not heard
				 * (a DEL typed by hand). Between 1ms and 1m.
				 */
				private Duration maxAge = Duration.ofSeconds(2);

				/** The most finished leases kept. */
				private int maxEntries = 10_000;

				/**
				 * The most bytes of keys, results and metadata kept (one per Latin-1
				 * character, two otherwise).
				 */
				private DataSize maxBytes = DataSize.ofMegabytes(8);

				public boolean isEnabled() {
					return this.enabled;
				}

				public void setEnabled(boolean enabled) {
					this.enabled = enabled;
				}

				public Duration getMaxAge() {
					return this.maxAge;
				}

				public void setMaxAge(Duration maxAge) {
					this.maxAge = maxAge;
				}

				public int getMaxEntries() {
					return this.maxEntries;
				}

				public void setMaxEntries(int maxEntries) {
					this.maxEntries = maxEntries;
				}

				public DataSize getMaxBytes() {
					return this.maxBytes;
				}

				public void setMaxBytes(DataSize maxBytes) {
					this.maxBytes = maxBytes;
				}

			}

		}

	}

	/** The kinds of store. */
	public enum StoreType {

		/** In-process, bounded; state is lost on restart and not shared between JVMs. */
		MEMORY,

		/**
		 * A relational database through the application's DataSource (PostgreSQL,
		 * MariaDB/MySQL, H2).
		 */
		JDBC,

		/**
		 * Redis through the application's RedisConnectionFactory (standalone, sentinel or
		 * cluster).
		 */
		REDIS

	}

	/** The in-memory store. */
	public static class Memory {

		/**
		 * Most live entries (locks and leases) held; new keys are refused beyond it
		 * rather than live ones forgotten.
		 */
		private int maxEntries = 1_000_000;

		public int getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(int maxEntries) {
			this.maxEntries = maxEntries;
		}

		/**
		 * Most bytes of keys, metadata and stored results (such as Idempotency-Key
		 * responses) held by live entries; new keys are refused beyond it rather than
		 * live ones forgotten.
		 */
		private DataSize maxBytes = DataSize.ofMegabytes(256);

		public DataSize getMaxBytes() {
			return this.maxBytes;
		}

		public void setMaxBytes(DataSize maxBytes) {
			this.maxBytes = maxBytes;
		}

	}

	/** Defaults and limits of the local engine. */
	public static class Local {

		/**
		 * Whether a check-lock on the local engine answers locked (marked fail_open,
		 * logged) when its store is unavailable, instead of failing. Leases never fail
		 * open.
		 */
		private boolean failOpen;

		/** Check-lock ttl when a call gives none. */
		private Duration defaultLockTtl = Duration.ofHours(1);

		/**
		 * Lease time when a call gives none; a holder that stops heartbeating loses the
		 * key after it.
		 */
		private Duration defaultLeaseTtl = Duration.ofMinutes(5);

		/** Longest ttl accepted for locks and leases. */
		private Duration maxTtl = Duration.ofDays(30);

		/** How long completed and failed results are kept and replayed. */
		private Duration retention = Duration.ofDays(7);

		/**
		 * Name that isolates this application's keys from others sharing the store: keys
		 * are stored as "<namespace>:<key>". Letters, digits, '.', '_' and '-'.
		 */
		private String namespace = "";

		public boolean isFailOpen() {
			return this.failOpen;
		}

		public void setFailOpen(boolean failOpen) {
			this.failOpen = failOpen;
		}

		public Duration getDefaultLockTtl() {
			return this.defaultLockTtl;
		}

		public void setDefaultLockTtl(Duration defaultLockTtl) {
			this.defaultLockTtl = defaultLockTtl;
		}

		public Duration getDefaultLeaseTtl() {
			return this.defaultLeaseTtl;
		}

		public void setDefaultLeaseTtl(Duration defaultLeaseTtl) {
			this.defaultLeaseTtl = defaultLeaseTtl;
		}

		public Duration getMaxTtl() {
			return this.maxTtl;
		}

		public void setMaxTtl(Duration maxTtl) {
			this.maxTtl = maxTtl;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		public String getNamespace() {
			return this.namespace;
		}

		public void setNamespace(String namespace) {
			this.namespace = namespace;
		}

	}

	/** The @Idempotent and @IdempotentAi annotations. */
	public static class Annotations {

		/**
		 * Whether methods annotated with @Idempotent or @IdempotentAi are intercepted.
		 */
		private boolean enabled = true;

		/**
		 * Order of the OnceOnly advisor among other advisors on the same bean; lower runs
		 * first (outside). The default runs outside @Transactional and @Cacheable (which
		 * default to the lowest precedence), so the lock or lease is taken before a
		 * transaction starts and the result is stored only after it committed.
		 */
		private int order = Ordered.LOWEST_PRECEDENCE - 100;

		/**
		 * Whether a warning is logged at startup for annotated methods a proxy cannot
		 * intercept (private, final or static methods, final classes).
		 */
		private boolean validate = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getOrder() {
			return this.order;
		}

		public void setOrder(int order) {
			this.order = order;
		}

		public boolean isValidate() {
			return this.validate;
		}

		public void setValidate(boolean validate) {
			this.validate = validate;
		}

	}

}
