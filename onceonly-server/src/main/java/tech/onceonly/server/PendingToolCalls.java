package tech.onceonly.server;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import tech.onceonly.engine.governance.PendingToolCall;

/**
 * The in-process tool calls that the {@code /v1/ext/tool-decisions} extension allowed and
 * whose outcome is not yet recorded, by claim id, each bound to the tenant that decided
 * it. A claim lives as long as its dedup claim (its ttl, on the store clock); past that
 * it is forgotten: its reservation stays charged (as for a local caller that died while
 * its tool ran) and an identical call may take its claim over. Claims live in this
 * server's memory: behind several instances, the outcome must reach the instance that
 * decided the call (sticky routing), or it is answered {@code claim_not_found}.
 */
public final class PendingToolCalls {

	private final Map<String, Entry> pending = new ConcurrentHashMap<>();

	private final Supplier<Instant> clock;

	/**
	 * Pending calls on {@code clock}.
	 * @param clock the store clock claims expire by
	 */
	public PendingToolCalls(Supplier<Instant> clock) {
		this.clock = clock;
	}

	/**
	 * Keeps a call that may run for {@code ttl}.
	 * @return its claim id
	 */
	public String add(String tenant, PendingToolCall call, Duration ttl) {
		Instant now = this.clock.get();
		purge(now);
		String id = UUID.randomUUID().toString();
		this.pending.put(id, new Entry(tenant, call, now.plus(ttl)));
		return id;
	}

	/**
	 * Takes the call of {@code claimId} out, when it belongs to {@code tenant} and has
	 * not expired (another tenant's claim is left where it is).
	 * @return the call, or {@code null} when there is no such claim for this tenant
	 */
	public @Nullable PendingToolCall take(String tenant, String claimId) {
		Instant now = this.clock.get();
		Entry entry = this.pending.get(claimId);
		if (entry == null || !entry.tenant.equals(tenant)) {
			return null;
		}
		if (!this.pending.remove(claimId, entry)) {
			return null;
		}
		return entry.expiresAt.isAfter(now) ? entry.call : null;
	}

	/** How many claims are held (expired ones included until purged). */
	public int size() {
		return this.pending.size();
	}

	private void purge(Instant now) {
		this.pending.values().removeIf((entry) -> !entry.expiresAt.isAfter(now));
	}

	private record Entry(String tenant, PendingToolCall call, Instant expiresAt) {
	}

}
