package tech.onceonly.client.remote;

import java.time.Duration;
import java.util.Map;
import java.util.function.DoubleSupplier;

import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.NotificationPreferences;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OnceOnlyBackend;
import tech.onceonly.client.OnceOnlyAi;
import tech.onceonly.client.OnceOnlyGov;
import tech.onceonly.client.ReactiveOnceOnly;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.ReactiveOnceOnlyBlockingAdapter;
import tech.onceonly.client.RunEvent;

/**
 * The OnceOnly client for the hosted API or a self-hosted {@code onceonly-server}, over
 * Spring {@code WebClient} on Reactor Netty when the application has it, on the JDK's
 * {@code HttpClient} otherwise (see {@link RemoteOnceOnlySettings#httpClient()}); either
 * keeps its connections alive and reuses them. {@link #reactive()} is the non-blocking
 * client; the methods of this class are its blocking form (do not call them on an
 * event-loop thread). Answers, errors, fail-open and retries follow the official SDKs;
 * see {@code docs/remote-client.md}. Close it to release its threads.
 */
public final class RemoteOnceOnly implements OnceOnly, AutoCloseable {

	private static final int MAX_IN_MEMORY_SIZE = 16 * 1024 * 1024;

	private final RemoteOnceOnlySettings settings;

	private final RemoteTransport transport;

	private final ReactiveRemoteOnceOnly reactive;

	private final OnceOnly blocking;

	private final RemoteToolDecisions toolDecisions;

	/**
	 * Creates a client. The builder is cloned and given this client's own connector
	 * (HTTP/1.1, no redirects, connect and response timeouts) on the library the settings
	 * choose; its other customisations (filters, observation) are kept.
	 * @param settings where and how to reach the API
	 * @param webClientBuilder the builder to start from
	 * @param jsonMapper the mapper for request and answer bodies
	 */
	public RemoteOnceOnly(RemoteOnceOnlySettings settings, WebClient.Builder webClientBuilder, JsonMapper jsonMapper) {
		this(settings, webClientBuilder, jsonMapper, LeaseEvents.LOGGING);
	}

	/**
	 * Creates a client that reports lost {@code runFn} leases and unknown outcomes to
	 * {@code leaseEvents}.
	 * @param settings where and how to reach the API
	 * @param webClientBuilder the builder to start from
	 * @param jsonMapper the mapper for request and answer bodies
	 * @param leaseEvents where lost leases and unknown outcomes are reported
	 */
	public RemoteOnceOnly(RemoteOnceOnlySettings settings, WebClient.Builder webClientBuilder, JsonMapper jsonMapper,
			LeaseEvents leaseEvents) {
		this(settings, webClientBuilder, jsonMapper, null, leaseEvents);
	}

	RemoteOnceOnly(RemoteOnceOnlySettings settings, WebClient.Builder webClientBuilder, JsonMapper jsonMapper,
			@Nullable DoubleSupplier jitterSource) {
		this(settings, webClientBuilder, jsonMapper, jitterSource, LeaseEvents.LOGGING);
	}

	private RemoteOnceOnly(RemoteOnceOnlySettings settings, WebClient.Builder webClientBuilder, JsonMapper jsonMapper,
			@Nullable DoubleSupplier jitterSource, LeaseEvents leaseEvents) {
		this.settings = settings;
		this.transport = RemoteTransport.create(settings);
		WebClient webClient = webClientBuilder.clone()
			.clientConnector(this.transport.connector())
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(MAX_IN_MEMORY_SIZE))
			.build();
		RetryDelays delays = (jitterSource != null) ? new RetryDelays(settings, jitterSource)
				: new RetryDelays(settings);
		RemoteHttp http = new RemoteHttp(settings, webClient, jsonMapper, delays);
		this.reactive = new ReactiveRemoteOnceOnly(http, jsonMapper, settings.failOpen(), leaseEvents);
		this.toolDecisions = new RemoteToolDecisions(http);
		this.blocking = new ReactiveOnceOnlyBlockingAdapter(this.reactive, jsonMapper, Heartbeats.shared(),
				leaseEvents);
	}

	/**
	 * A client with the given settings, a plain {@code WebClient.Builder} and a default
	 * {@code JsonMapper}.
	 */
	public static RemoteOnceOnly create(RemoteOnceOnlySettings settings) {
		return new RemoteOnceOnly(settings, WebClient.builder(), JsonMapper.builder().build());
	}

	/** A client for the hosted API with the given key and the default settings. */
	public static RemoteOnceOnly create(String apiKey) {
		return create(RemoteOnceOnlySettings.builder(apiKey).build());
	}

	/** The settings of this client (their {@code toString()} hides the API key). */
	public RemoteOnceOnlySettings settings() {
		return this.settings;
	}

	@Override
	public CheckLockResult checkLock(String key, @Nullable Duration ttl, @Nullable Map<String, ?> metadata,
			@Nullable String requestId) {
		return this.blocking.checkLock(key, ttl, metadata, requestId);
	}

	@Override
	public OnceOnlyAi ai() {
		return this.blocking.ai();
	}

	@Override
	public OnceOnlyGov gov() {
		return this.blocking.gov();
	}

	@Override
	public Map<String, Object> me() {
		return this.blocking.me();
	}

	@Override
	public Map<String, Object> updateNotifications(NotificationPreferences preferences) {
		return this.blocking.updateNotifications(preferences);
	}

	@Override
	public Map<String, Object> usage(String kind) {
		return this.blocking.usage(kind);
	}

	@Override
	public Map<String, Object> usageAll() {
		return this.blocking.usageAll();
	}

	@Override
	public Map<String, Object> events(int limit, int offset) {
		return this.blocking.events(limit, offset);
	}

	@Override
	public Map<String, Object> postEvent(RunEvent event) {
		return this.blocking.postEvent(event);
	}

	@Override
	public Map<String, Object> metrics(String fromDay, String toDay) {
		return this.blocking.metrics(fromDay, toDay);
	}

	@Override
	public Map<String, Object> getRunTimeline(String runId, int limit, int offset) {
		return this.blocking.getRunTimeline(runId, limit, offset);
	}

	/**
	 * A remote backend that may decide in-process tool calls through
	 * {@link RemoteToolDecisions} (a self-hosted server's extension).
	 */
	@Override
	public OnceOnlyBackend backend() {
		return OnceOnlyBackend.remote(this.toolDecisions);
	}

	/** The non-blocking client over the same connections. */
	@Override
	public ReactiveOnceOnly reactive() {
		return this.reactive;
	}

	/**
	 * The HTTP client library this client sends with ({@link RemoteHttpClient#JDK} or
	 * {@link RemoteHttpClient#REACTOR_NETTY}), as resolved from
	 * {@link RemoteOnceOnlySettings#httpClient()}.
	 */
	public RemoteHttpClient httpClient() {
		return this.transport.library();
	}

	/** Whether {@link #close()} has released the client's connections and threads. */
	boolean isReleased() {
		return this.transport.isReleased();
	}

	/**
	 * Releases this client's connections: its connection pool (Reactor Netty) or its HTTP
	 * threads (JDK; idle connections close with them). Shared resources, such as Reactor
	 * Netty's event loops that the application's own {@code WebClient}s use, are left
	 * alone. The client must not be used afterwards.
	 */
	@Override
	public void close() {
		this.transport.close();
	}

	@Override
	public String toString() {
		return "RemoteOnceOnly[" + this.settings + "]";
	}

}
