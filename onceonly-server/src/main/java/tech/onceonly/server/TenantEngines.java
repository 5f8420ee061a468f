package tech.onceonly.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;

import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.engine.EngineSettings;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.OnceOnlyStore;

/**
 * One local engine per tenant, all on the same store, each in its own namespace ({@code t:<tenant>:}) so one
 * tenant's locks, leases and results are invisible to every other tenant. Tenant names cannot contain {@code ':'},
 * so namespaces never overlap.
 */
public final class TenantEngines implements AutoCloseable {

	private final OnceOnlyStore store;

	private final EngineSettings settings;

	private final JsonMapper json;

	private final ScheduledExecutorService heartbeats;

	private final ConcurrentMap<String, LocalOnceOnly> engines = new ConcurrentHashMap<>();

	/**
	 * Engines on a shared store.
	 * @param store the store every tenant shares
	 * @param settings the engine settings; each tenant's namespace is appended to their namespace
	 * @param json the JSON mapper
	 * @param heartbeats the scheduler the engines share
	 */
	public TenantEngines(OnceOnlyStore store, EngineSettings settings, JsonMapper json,
			ScheduledExecutorService heartbeats) {
		this.store = store;
		this.settings = settings;
		this.json = json;
		this.heartbeats = heartbeats;
	}

	/** The namespace of a tenant's keys in the store. */
	public static String namespace(String tenant) {
		return "t:" + tenant + ":";
	}

	/** The namespace of a tenant's keys under the configured prefix ({@code onceonly.local.namespace}). */
	String namespaceOf(String tenant) {
		return this.settings.namespace() + namespace(tenant);
	}

	/** The engine of {@code tenant}. */
	public LocalOnceOnly forTenant(String tenant) {
		return this.engines.computeIfAbsent(tenant, (t) -> new LocalOnceOnly(this.store,
				this.settings.withNamespace(namespaceOf(t)), this.json, this.heartbeats, System::nanoTime));
	}

	/** The shared store. */
	public OnceOnlyStore store() {
		return this.store;
	}

	@Override
	public void close() {
		this.engines.values().forEach(LocalOnceOnly::close);
		this.heartbeats.shutdownNow();
	}

}
