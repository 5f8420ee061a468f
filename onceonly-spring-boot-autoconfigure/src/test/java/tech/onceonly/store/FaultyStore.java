package tech.onceonly.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * A store that injects faults into another: tests script, per operation, per call number
 * or by a predicate on the key, that a call fails before it reaches the store
 * ({@link Rule#failBefore()}: nothing changed), fails after the store applied it
 * ({@link Rule#failAfter()}: the change is made but the answer is lost), or stalls before
 * or after applying (on a latch or for a duration). Without rules it only passes calls
 * through and records them.
 * <p>
 * Thread-safe. Every call is recorded with its key and, once it returned, its answer, so
 * tests can wait for a call to happen ({@link #awaitCall}) and count calls
 * ({@link #calls}; the most recent calls are kept). Rules are matched in the order they
 * were added; the first rule whose operation, key and call number match applies. Faults
 * are {@link StoreException}s, what a real store throws when it is unreachable or times
 * out.
 */
public final class FaultyStore implements OnceOnlyStore {

	/** The operations of {@link OnceOnlyStore} a rule can target. */
	public enum Op {

		/** {@link OnceOnlyStore#now()}. */
		NOW,

		/** {@link OnceOnlyStore#tryLock}. */
		TRY_LOCK,

		/** {@link OnceOnlyStore#getLock}. */
		GET_LOCK,

		/** {@link OnceOnlyStore#releaseLock}. */
		RELEASE_LOCK,

		/** {@link OnceOnlyStore#acquireLease}. */
		ACQUIRE_LEASE,

		/** {@link OnceOnlyStore#extendLease}. */
		EXTEND_LEASE,

		/** {@link OnceOnlyStore#completeLease}. */
		COMPLETE_LEASE,

		/** {@link OnceOnlyStore#failLease}. */
		FAIL_LEASE,

		/** {@link OnceOnlyStore#cancelLease}. */
		CANCEL_LEASE,

		/** {@link OnceOnlyStore#getLease}. */
		GET_LEASE,

		/** {@link OnceOnlyStore#deleteLease}. */
		DELETE_LEASE

	}

	/** One call as the store saw it. */
	public static final class Call {

		private final Op op;

		private final @Nullable String key;

		private final int number;

		private volatile boolean returned;

		private volatile boolean failed;

		private volatile @Nullable Object answer;

		Call(Op op, @Nullable String key, int number) {
			this.op = op;
			this.key = key;
			this.number = number;
		}

		/** The operation. */
		public Op op() {
			return this.op;
		}

		/** The key of the call ({@code null} for {@link Op#NOW}). */
		public @Nullable String key() {
			return this.key;
		}

		/** The number of this call among the calls of its operation, from 1. */
		public int number() {
			return this.number;
		}

		/** True once the call returned an answer to its caller (not a fault). */
		public boolean returned() {
			return this.returned;
		}

		/** True once the call ended with a fault or an error of the store. */
		public boolean failed() {
			return this.failed;
		}

		/** The answer the caller received, once {@link #returned()}. */
		public @Nullable Object answer() {
			return this.answer;
		}

		@Override
		public String toString() {
			return this.op + "#" + this.number + "(" + this.key + ")"
					+ (this.returned ? " -> " + this.answer : this.failed ? " -> fault" : " ...");
		}

	}

	/**
	 * What happens to the calls a rule matches; built with {@link FaultyStore#on(Op)} and
	 * active as soon as an action ({@link #failBefore()}, {@link #failAfter()},
	 * {@link #stallBefore}, {@link #stallAfter}, {@link #passThrough()}) is chosen.
	 */
	public final class Rule {

		private final Op op;

		private Predicate<String> keys = (key) -> true;

		private Predicate<Integer> callNumbers = (n) -> true;

		private int remaining = Integer.MAX_VALUE;

		private @Nullable CountDownLatch stallBefore;

		private @Nullable Duration stallBeforeFor;

		private @Nullable CountDownLatch stallAfter;

		private @Nullable Duration stallAfterFor;

		private boolean failBefore;

		private boolean failAfter;

		private final AtomicInteger applied = new AtomicInteger();

		Rule(Op op) {
			this.op = op;
		}

		/** Only calls whose key ends with {@code suffix} (keys arrive namespaced). */
		public Rule forKey(String suffix) {
			this.keys = (key) -> key != null && key.endsWith(suffix);
			return this;
		}

		/** Only calls whose key matches {@code predicate}. */
		public Rule forKeys(Predicate<String> predicate) {
			this.keys = predicate;
			return this;
		}

		/**
		 * Only the calls of this operation with these numbers (counted from 1 over all
		 * keys, from the moment the rule is added).
		 */
		public Rule calls(int... numbers) {
			List<Integer> list = new ArrayList<>();
			for (int number : numbers) {
				list.add(number);
			}
			int base = count(this.op);
			this.callNumbers = (n) -> list.contains(n - base);
			return this;
		}

		/** Only the first {@code count} matching calls; later ones pass through. */
		public Rule times(int count) {
			this.remaining = count;
			return this;
		}

		/** Matching calls wait on {@code latch} before they reach the store. */
		public Rule stallBefore(CountDownLatch latch) {
			this.stallBefore = latch;
			return activate();
		}

		/** Matching calls wait {@code duration} before they reach the store. */
		public Rule stallBefore(Duration duration) {
			this.stallBeforeFor = duration;
			return activate();
		}

		/** Matching calls wait on {@code latch} after the store applied them. */
		public Rule stallAfter(CountDownLatch latch) {
			this.stallAfter = latch;
			return activate();
		}

		/** Matching calls wait {@code duration} after the store applied them. */
		public Rule stallAfter(Duration duration) {
			this.stallAfterFor = duration;
			return activate();
		}

		/** Matching calls fail without reaching the store: nothing changes. */
		public Rule failBefore() {
			this.failBefore = true;
			return activate();
		}

		/**
		 * Matching calls reach the store, which applies them, and then fail: the change
		 * is made and the answer is lost.
		 */
		public Rule failAfter() {
			this.failAfter = true;
			return activate();
		}

		/** Matching calls pass through unchanged (to shadow a later rule). */
		public Rule passThrough() {
			return activate();
		}

		/** How many calls this rule applied to so far. */
		public int applied() {
			return this.applied.get();
		}

		/** Stops this rule. */
		public void remove() {
			FaultyStore.this.rules.remove(this);
		}

		private Rule activate() {
			if (!FaultyStore.this.rules.contains(this)) {
				FaultyStore.this.rules.add(this);
			}
			return this;
		}

		private synchronized boolean take(Call call) {
			if (call.op != this.op || !this.keys.test(call.key) || !this.callNumbers.test(call.number)
					|| this.remaining <= 0) {
				return false;
			}
			if (this.remaining != Integer.MAX_VALUE) {
				this.remaining--;
			}
			this.applied.incrementAndGet();
			return true;
		}

	}

	/**
	 * The most recent calls kept for {@link #calls} and {@link #awaitCall} (older ones
	 * are dropped, so a store shared by long suites stays small).
	 */
	private static final int MAX_LOGGED = 20_000;

	private final OnceOnlyStore delegate;

	private final List<Rule> rules = new CopyOnWriteArrayList<>();

	private final Deque<Call> log = new ConcurrentLinkedDeque<>();

	private final AtomicInteger logged = new AtomicInteger();

	private final AtomicInteger[] counters = new AtomicInteger[Op.values().length];

	private final Object monitor = new Object();

	/** A store that passes every call to {@code delegate} until rules are added. */
	public FaultyStore(OnceOnlyStore delegate) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		for (int i = 0; i < this.counters.length; i++) {
			this.counters[i] = new AtomicInteger();
		}
	}

	/** The store the faults are injected into. */
	public OnceOnlyStore delegate() {
		return this.delegate;
	}

	/** A new rule for calls of {@code op}; it acts once an action is chosen. */
	public Rule on(Op op) {
		return new Rule(op);
	}

	/** Removes every rule and forgets the recorded calls; counts restart at zero. */
	public void reset() {
		this.rules.clear();
		synchronized (this.monitor) {
			this.log.clear();
			this.logged.set(0);
			for (AtomicInteger counter : this.counters) {
				counter.set(0);
			}
			this.monitor.notifyAll();
		}
	}

	/** Removes every rule; the recorded calls are kept. */
	public void heal() {
		this.rules.clear();
	}

	/** How many calls of {@code op} were made (on any key). */
	public int count(Op op) {
		return this.counters[op.ordinal()].get();
	}

	/** How many calls of {@code op} were made on a key ending with {@code keySuffix}. */
	public int calls(Op op, String keySuffix) {
		return (int) this.log.stream()
			.filter((call) -> call.op == op && call.key != null && call.key.endsWith(keySuffix))
			.count();
	}

	/** The calls of {@code op} on a key ending with {@code keySuffix}, in order. */
	public List<Call> callsOf(Op op, String keySuffix) {
		return this.log.stream()
			.filter((call) -> call.op == op && call.key != null && call.key.endsWith(keySuffix))
			.toList();
	}

	/**
	 * Waits until a call of {@code op} on a key ending with {@code keySuffix} has ended
	 * and matches {@code condition}.
	 * @return the call
	 * @throws AssertionError when no such call ended within {@code timeout}
	 */
	public Call awaitCall(Op op, String keySuffix, Predicate<Call> condition, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.monitor) {
			while (true) {
				for (Call call : this.log) {
					if (call.op == op && call.key != null && call.key.endsWith(keySuffix)
							&& (call.returned || call.failed) && condition.test(call)) {
						return call;
					}
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new AssertionError("No " + op + " call on a key ending with '" + keySuffix
							+ "' matched within " + timeout + "; calls: " + callsOf(op, keySuffix));
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.monitor, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new AssertionError("Interrupted while waiting for a " + op + " call", ex);
				}
			}
		}
	}

	/** Waits until at least {@code count} calls of {@code op} on the key have ended. */
	public void awaitCalls(Op op, String keySuffix, int count, Duration timeout) {
		AtomicInteger seen = new AtomicInteger();
		awaitCall(op, keySuffix, (call) -> seen.incrementAndGet() >= count, timeout);
	}

	private <T> T call(Op op, @Nullable String key, Supplier<T> operation) {
		Call call = new Call(op, key, this.counters[op.ordinal()].incrementAndGet());
		this.log.add(call);
		if (this.logged.incrementAndGet() > MAX_LOGGED && this.log.pollFirst() != null) {
			this.logged.decrementAndGet();
		}
		try {
			T answer = apply(call, operation);
			call.answer = answer;
			call.returned = true;
			return answer;
		}
		catch (RuntimeException | Error ex) {
			call.failed = true;
			throw ex;
		}
		finally {
			synchronized (this.monitor) {
				this.monitor.notifyAll();
			}
		}
	}

	private <T> T apply(Call call, Supplier<T> operation) {
		Rule rule = null;
		for (Rule candidate : this.rules) {
			if (candidate.take(call)) {
				rule = candidate;
				break;
			}
		}
		if (rule == null) {
			return operation.get();
		}
		stall(rule.stallBefore, rule.stallBeforeFor);
		if (rule.failBefore) {
			throw new StoreException("Injected fault: " + call + " failed before reaching the store");
		}
		T answer = operation.get();
		stall(rule.stallAfter, rule.stallAfterFor);
		if (rule.failAfter) {
			throw new StoreException("Injected fault: " + call + " was applied but its answer was lost");
		}
		return answer;
	}

	private static void stall(@Nullable CountDownLatch latch, @Nullable Duration duration) {
		try {
			if (latch != null) {
				if (!latch.await(60, TimeUnit.SECONDS)) {
					throw new StoreException("Injected stall was never released");
				}
			}
			if (duration != null) {
				Thread.sleep(duration.toMillis());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new StoreException("Interrupted in an injected stall", ex);
		}
	}

	@Override
	public String type() {
		return this.delegate.type();
	}

	@Override
	public Instant now() {
		return call(Op.NOW, null, this.delegate::now);
	}

	@Override
	public LockResult tryLock(String key, Duration ttl, @Nullable String metadataJson) {
		return call(Op.TRY_LOCK, key, () -> this.delegate.tryLock(key, ttl, metadataJson));
	}

	@Override
	public @Nullable LockRecord getLock(String key) {
		return call(Op.GET_LOCK, key, () -> this.delegate.getLock(key));
	}

	@Override
	public boolean releaseLock(String key) {
		return call(Op.RELEASE_LOCK, key, () -> this.delegate.releaseLock(key));
	}

	@Override
	public LeaseResult acquireLease(String key, Duration ttl, String newLeaseId, @Nullable String metadataJson) {
		return call(Op.ACQUIRE_LEASE, key, () -> this.delegate.acquireLease(key, ttl, newLeaseId, metadataJson));
	}

	@Override
	public @Nullable LeaseRecord extendLease(String key, String leaseId, Duration ttl) {
		return call(Op.EXTEND_LEASE, key, () -> this.delegate.extendLease(key, leaseId, ttl));
	}

	@Override
	public @Nullable Instant completeLease(String key, String leaseId, @Nullable String resultJson,
			@Nullable String resultHash, Duration retention) {
		return call(Op.COMPLETE_LEASE, key,
				() -> this.delegate.completeLease(key, leaseId, resultJson, resultHash, retention));
	}

	@Override
	public @Nullable Instant failLease(String key, String leaseId, String errorCode, @Nullable String errorHash,
			Duration retention) {
		return call(Op.FAIL_LEASE, key, () -> this.delegate.failLease(key, leaseId, errorCode, errorHash, retention));
	}

	@Override
	public boolean cancelLease(String key, String leaseId) {
		return call(Op.CANCEL_LEASE, key, () -> this.delegate.cancelLease(key, leaseId));
	}

	@Override
	public @Nullable LeaseRecord getLease(String key) {
		return call(Op.GET_LEASE, key, () -> this.delegate.getLease(key));
	}

	@Override
	public boolean deleteLease(String key) {
		return call(Op.DELETE_LEASE, key, () -> this.delegate.deleteLease(key));
	}

}
