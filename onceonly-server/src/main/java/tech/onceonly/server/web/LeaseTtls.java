package tech.onceonly.server.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The ttl each lease was taken or last extended with, so {@code POST /ai/extend} without
 * a ttl extends by the lease's own ttl, as the hosted API does. Kept in this server's
 * memory, bounded (the least recently used leases are forgotten first); a lease it does
 * not know (taken before a restart, or through another server instance) is extended by
 * the default lease ttl.
 */
final class LeaseTtls {

	private final int maxEntries;

	private final LinkedHashMap<String, Duration> ttls;

	LeaseTtls(int maxEntries) {
		this.maxEntries = maxEntries;
		this.ttls = new LinkedHashMap<>(16, 0.75f, true) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Duration> eldest) {
				return size() > LeaseTtls.this.maxEntries;
			}

		};
	}

	void remember(String tenant, String key, String leaseId, Duration ttl) {
		synchronized (this.ttls) {
			this.ttls.put(id(tenant, key, leaseId), ttl);
		}
	}

	@Nullable Duration ttl(String tenant, String key, String leaseId) {
		synchronized (this.ttls) {
			return this.ttls.get(id(tenant, key, leaseId));
		}
	}

	void forget(String tenant, String key, String leaseId) {
		synchronized (this.ttls) {
			this.ttls.remove(id(tenant, key, leaseId));
		}
	}

	private static String id(String tenant, String key, String leaseId) {
		return tenant + "\n" + key + "\n" + leaseId;
	}

}
