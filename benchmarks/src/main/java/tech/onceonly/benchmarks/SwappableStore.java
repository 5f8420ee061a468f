package tech.onceonly.benchmarks;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LockRecord;
import tech.onceonly.store.LockResult;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.memory.InMemoryStore;

/**
 * A store that forwards to a replaceable {@link InMemoryStore}, so a JMH benchmark can
 * start each iteration empty while the engine and the proxy (and the code the JIT
 * compiled for them) stay the same for the whole run.
 */
public final class SwappableStore implements OnceOnlyStore {

	private volatile InMemoryStore delegate;

	/** A store forwarding to {@code delegate}. */
	public SwappableStore(InMemoryStore delegate) {
		this.delegate = delegate;
	}

	/** Forwards every later call to {@code next}. */
	public void swap(InMemoryStore next) {
		this.delegate = next;
	}

	@Override
	public String type() {
		return this.delegate.type();
	}

	@Override
	public Instant now() {
		return this.delegate.now();
	}

	@Override
	public LockResult tryLock(String key, Duration ttl, @Nullable String metadataJson) {
		return this.delegate.tryLock(key, ttl, metadataJson);
	}

	@Override
	public @Nullable LockRecord getLock(String key) {
		return this.delegate.getLock(key);
	}

	@Override
	public boolean releaseLock(String key) {
		return this.delegate.releaseLock(key);
	}

	@Override
	public LeaseResult acquireLease(String key, Duration ttl, String newLeaseId, @Nullable String metadataJson) {
		return this.delegate.acquireLease(key, ttl, newLeaseId, metadataJson);
	}

	@Override
	public @Nullable LeaseRecord extendLease(String key, String leaseId, Duration ttl) {
		return this.delegate.extendLease(key, leaseId, ttl);
	}

	@Override
	public @Nullable Instant completeLease(String key, String leaseId, @Nullable String resultJson,
			@Nullable String resultHash, Duration retention) {
		return this.delegate.completeLease(key, leaseId, resultJson, resultHash, retention);
	}

	@Override
	public @Nullable Instant failLease(String key, String leaseId, String errorCode, @Nullable String errorHash,
			Duration retention) {
		return this.delegate.failLease(key, leaseId, errorCode, errorHash, retention);
	}

	@Override
	public boolean cancelLease(String key, String leaseId) {
		return this.delegate.cancelLease(key, leaseId);
	}

	@Override
	public @Nullable LeaseRecord getLease(String key) {
		return this.delegate.getLease(key);
	}

	@Override
	public boolean deleteLease(String key) {
		return this.delegate.deleteLease(key);
	}

}
