package tech.onceonly.spring.web;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.ValidationException;
import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LockRecord;
import tech.onceonly.store.LockResult;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.StoreException;

/**
 * A store that passes every call to another one, counts heartbeats and can be told to
 * fail completions or to answer heartbeats as if the lease was lost, for the web failure
 * tests.
 */
public final class ScriptedStore implements OnceOnlyStore {

	private final OnceOnlyStore delegate;

	private final AtomicInteger leases = new AtomicInteger();

	private final AtomicInteger extends_ = new AtomicInteger();

	private final AtomicInteger completions = new AtomicInteger();

	private final AtomicInteger cancels = new AtomicInteger();

	private final AtomicInteger failingCompletions = new AtomicInteger();

	private volatile boolean completionsFail;

	private volatile Instant lastExtendedAt = Instant.MIN;

	private volatile boolean leasesLost;

	private volatile boolean completionsRefused;

	private final AtomicInteger lostCompletionAnswers = new AtomicInteger();

	public ScriptedStore(OnceOnlyStore delegate) {
		this.delegate = delegate;
	}

	/** The next {@code count} completions fail with a {@link StoreException}. */
	public void failCompletions(int count) {
		this.failingCompletions.set(count);
	}

	/**
	 * The next {@code count} completions are applied, then fail with a
	 * {@link StoreException} as if their answer was lost.
	 */
	public void loseCompletionAnswers(int count) {
		this.lostCompletionAnswers.set(count);
	}

	/** Every completion fails with a {@link StoreException} from now on. */
	public void failAllCompletions() {
		this.completionsFail = true;
	}

	/**
	 * Every completion is refused with a {@link ValidationException} from now on, as a
	 * backend does with a result it cannot store.
	 */
	public void refuseCompletions() {
		this.completionsRefused = true;
	}

	/** Heartbeats from now on answer that the lease is no longer held. */
	public void loseLeases() {
		this.leasesLost = true;
	}

	/** The heartbeats (lease extensions) the store answered so far. */
	public int extensions() {
		return this.extends_.get();
	}

	/**
	 * Whether a heartbeat renewed a lease at store time {@code at} or later (so the lease
	 * runs a whole ttl from {@code at}).
	 */
	public boolean extendedSince(Instant at) {
		return !this.lastExtendedAt.isBefore(at);
	}

	/** The completions attempted so far. */
	public int completions() {
		return this.completions.get();
	}

	/** The leases asked for so far. */
	public int leases() {
		return this.leases.get();
	}

	/** The cancels (releases) attempted so far. */
	public int cancels() {
		return this.cancels.get();
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
		this.leases.incrementAndGet();
		return this.delegate.acquireLease(key, ttl, newLeaseId, metadataJson);
	}

	@Override
	public @Nullable LeaseRecord extendLease(String key, String leaseId, Duration ttl) {
		if (this.leasesLost) {
			return null;
		}
		LeaseRecord record = this.delegate.extendLease(key, leaseId, ttl);
		this.extends_.incrementAndGet();
		if (record != null && record.now().isAfter(this.lastExtendedAt)) {
			this.lastExtendedAt = record.now();
		}
		return record;
	}

	@Override
	public @Nullable Instant completeLease(String key, String leaseId, @Nullable String resultJson,
			@Nullable String resultHash, Duration retention) {
		this.completions.incrementAndGet();
		if (this.completionsRefused) {
			throw new ValidationException("result too large (scripted)");
		}
		if (this.completionsFail || this.failingCompletions.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
			throw new StoreException("connection reset (scripted)");
		}
		Instant done = this.delegate.completeLease(key, leaseId, resultJson, resultHash, retention);
		if (this.lostCompletionAnswers.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
			throw new StoreException("answer lost (scripted)");
		}
		return done;
	}

	@Override
	public @Nullable Instant failLease(String key, String leaseId, String errorCode, @Nullable String errorHash,
			Duration retention) {
		return this.delegate.failLease(key, leaseId, errorCode, errorHash, retention);
	}

	@Override
	public boolean cancelLease(String key, String leaseId) {
		this.cancels.incrementAndGet();
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
