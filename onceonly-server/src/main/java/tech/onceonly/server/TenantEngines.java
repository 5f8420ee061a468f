package tech.onceonly.server;

import java.net.http.HttpClient;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.engine.EngineSettings;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.engine.governance.GovernanceEngine;
import tech.onceonly.engine.governance.NamespacedGovernanceStore;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.memory.InMemoryGovernanceStore;

/**
 * One local engine per tenant, all on the same store and the same governance store, each
 * in its own namespace ({@code t:<tenant>:}) so one tenant's locks, leases, results,
 * policies, kill switches, audit logs, tools and run events are invisible to every other
 * tenant (governance data through {@link NamespacedGovernanceStore}). Tenant names cannot
 * contain {@code ':'}, so namespaces never overlap. Registered tools are called through
 * one shared HTTP client, the server's guarded one.
 */
public final class TenantEngines implements AutoCloseable {

	private final OnceOnlyStore store;

	private final EngineSettings settings;

	private final JsonMapper json;

	private final ScheduledExecutorService heartbeats;

	private final GovernanceStore governanceStore;

	private final @Nullable HttpClient toolHttpClient;

	private final ConcurrentMap<String, LocalOnceOnly> engines = new ConcurrentHashMap<>();

	/**
	 * Engines on a shared store, with governance in memory and the engine's own tool HTTP
	 * client.
	 * @param store the store every tenant shares
	 * @param settings the engine settings; each tenant's namespace is appended to their
	 * namespace
	 * @param json the JSON mapper
	 * @param heartbeats the scheduler the engines share
	 */
	public TenantEngines(OnceOnlyStore store, EngineSettings settings, JsonMapper json,
			ScheduledExecutorService heartbeats) {
		this(store, new InMemoryGovernanceStore(GovernanceEngine.clockOf(store)), null, settings, json, heartbeats);
	}

	/**
	 * Engines on a shared store and a shared governance store.
	 * @param store the store every tenant shares
	 * @param governanceStore the governance store every tenant shares
	 * @param toolHttpClient the client registered tools are called with, or {@code null}
	 * for the engine's default
	 * @param settings the engine settings; each tenant's namespace is appended to their
	 * namespace
	 * @param json the JSON mapper
	 * @param heartbeats the scheduler the engines share
	 */
	public TenantEngines(OnceOnlyStore store, GovernanceStore governanceStore, @Nullable HttpClient toolHttpClient,
			EngineSettings settings, JsonMapper json, ScheduledExecutorService heartbeats) {
		this.store = store;
		this.governanceStore = governanceStore;
		this.toolHttpClient = toolHttpClient;
		this.settings = settings;
		this.json = json;
		this.heartbeats = heartbeats;
	}

	/** The namespace of a tenant's keys in the store. */
	public static String namespace(String tenant) {
		return "t:" + tenant + ":";
	}

	/**
	 * The namespace of a tenant's keys under the configured prefix
	 * ({@code onceonly.local.namespace}).
	 */
	String namespaceOf(String tenant) {
		return this.settings.namespace() + namespace(tenant);
	}

	/** The engine of {@code tenant}. */
	public LocalOnceOnly forTenant(String tenant) {
		return this.engines.computeIfAbsent(tenant,
				(t) -> LocalOnceOnly.builder(this.store)
					.settings(this.settings.withNamespace(namespaceOf(t)))
					.json(this.json)
					.heartbeats(this.heartbeats)
					.governanceStore(this.governanceStore)
					.httpClient(this.toolHttpClient)
					.build());
	}

	/** The engine settings every tenant's engine uses (default and longest ttls). */
	public EngineSettings settings() {
		return this.settings;
	}

	/** The shared store. */
	public OnceOnlyStore store() {
		return this.store;
	}

	/** The shared governance store (each engine sees it through its namespace). */
	public GovernanceStore governanceStore() {
		return this.governanceStore;
	}

	@Override
	public void close() {
		this.engines.values().forEach(LocalOnceOnly::close);
		this.heartbeats.shutdownNow();
	}

}
