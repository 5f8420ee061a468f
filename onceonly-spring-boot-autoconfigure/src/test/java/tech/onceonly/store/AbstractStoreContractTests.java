package tech.onceonly.store;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Store SPI semantics that every durable store shares with {@code InMemoryStore}, run
 * once per backend by a short subclass. Time moves through the store's clock offset;
 * nothing sleeps.
 */
public abstract class AbstractStoreContractTests {

	protected static final Duration TTL = Duration.ofSeconds(30);

	protected static final Duration RETENTION = Duration.ofDays(7);

	protected OnceOnlyStore store;

	private String prefix;

	private Duration offset = Duration.ZERO;

	/** A fresh store on the backend under test, with its clock offset at zero. */
	protected abstract OnceOnlyStore createStore();

	/** Sets the store's clock offset (the test hook of the durable stores). */
	protected abstract void setTimeOffset(OnceOnlyStore store, Duration offset);

	/** Releases what {@link #createStore()} made; nothing by default. */
	protected void closeStore(OnceOnlyStore store) throws Exception {
	}

	@BeforeEach
	void setUpStore() {
		this.store = createStore();
		this.prefix = "st:" + UUID.randomUUID() + ":";
	}

	@AfterEach
	void tearDownStore() throws Exception {
		closeStore(this.store);
	}

	/** A key unique to this test. */
	protected String key(String name) {
		return this.prefix + name;
	}

	/** Moves the store's clock forward. */
	protected void advanceTime(Duration duration) {
		this.offset = this.offset.plus(duration);
		setTimeOffset(this.store, this.offset);
	}

	private static String leaseId() {
		return UUID.randomUUID().toString();
	}

	@Test
	void tryLockFirstCallerShouldWinAndLaterCallersSeeTheHolder() {
		LockResult first = this.store.tryLock(key("a"), TTL, "{\"who\":1}");
		LockResult second = this.store.tryLock(key("a"), TTL, "{\"who\":2}");
		assertThat(first.acquired()).isTrue();
		assertThat(first.record().expiresAt()).isEqualTo(first.record().firstSeenAt().plus(TTL));
		assertThat(second.acquired()).isFalse();
		assertThat(second.record().firstSeenAt()).isEqualTo(first.record().firstSeenAt());
		assertThat(second.record().metadataJson()).isEqualTo("{\"who\":1}");
		assertThat(this.store.getLock(key("a"))).isNotNull();
	}

	@Test
	void tryLockAfterTtlShouldLockAgain() {
		this.store.tryLock(key("a"), TTL, null);
		advanceTime(TTL.minusMillis(500));
		assertThat(this.store.tryLock(key("a"), TTL, null).acquired()).isFalse();
		advanceTime(Duration.ofSeconds(1));
		assertThat(this.store.getLock(key("a"))).isNull();
		assertThat(this.store.tryLock(key("a"), TTL, null).acquired()).isTrue();
	}

	@Test
	void releaseLockShouldFreeTheKey() {
		this.store.tryLock(key("a"), TTL, null);
		assertThat(this.store.releaseLock(key("a"))).isTrue();
		assertThat(this.store.releaseLock(key("a"))).isFalse();
		assertThat(this.store.tryLock(key("a"), TTL, null).acquired()).isTrue();
	}

	@Test
	void acquireLeaseFirstCallerShouldGetVersionOne() {
		String id = leaseId();
		LeaseResult result = this.store.acquireLease(key("l"), TTL, id, "{\"m\":1}");
		assertThat(result.outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(result.record().leaseId()).isEqualTo(id);
		assertThat(result.record().version()).isEqualTo(1);
		assertThat(result.record().isHeld()).isTrue();
		assertThat(result.record().ttlLeft()).isEqualTo(TTL);
		assertThat(result.record().metadataJson()).isEqualTo("{\"m\":1}");
	}

	@Test
	void acquireLeaseWhileHeldShouldReportTheHolder() {
		String id = leaseId();
		this.store.acquireLease(key("l"), TTL, id, null);
		LeaseResult second = this.store.acquireLease(key("l"), TTL, leaseId(), null);
		assertThat(second.outcome()).isEqualTo(LeaseResult.Outcome.HELD_BY_OTHER);
		assertThat(second.record().leaseId()).isEqualTo(id);
	}

	@Test
	void completeShouldReturnTheStoreTimeAndDuplicatesShouldSeeTheResult() {
		String id = leaseId();
		LeaseResult acquired = this.store.acquireLease(key("l"), TTL, id, null);
		advanceTime(Duration.ofSeconds(2));
		java.time.Instant doneAt = this.store.completeLease(key("l"), id, "{\"ok\":1}", "h1", RETENTION);
		assertThat(doneAt).isNotNull();
		assertThat(doneAt).isAfterOrEqualTo(acquired.record().now().plusSeconds(2));
		LeaseResult duplicate = this.store.acquireLease(key("l"), TTL, leaseId(), null);
		assertThat(duplicate.outcome()).isEqualTo(LeaseResult.Outcome.COMPLETED);
		assertThat(duplicate.record().resultJson()).isEqualTo("{\"ok\":1}");
		assertThat(duplicate.record().resultHash()).isEqualTo("h1");
		assertThat(duplicate.record().doneAt()).isEqualTo(doneAt);
		assertThat(duplicate.record().version()).isEqualTo(1);
		assertThat(duplicate.record().leaseId()).isNull();
	}

	@Test
	void failShouldBeTerminalWithItsErrorCode() {
		String id = leaseId();
		this.store.acquireLease(key("l"), TTL, id, null);
		assertThat(this.store.failLease(key("l"), id, "boom", null, RETENTION)).isNotNull();
		LeaseResult duplicate = this.store.acquireLease(key("l"), TTL, leaseId(), null);
		assertThat(duplicate.outcome()).isEqualTo(LeaseResult.Outcome.FAILED);
		assertThat(duplicate.record().errorCode()).isEqualTo("boom");
		assertThat(duplicate.record().state()).isEqualTo(LeaseState.FAILED);
	}

	@Test
	void staleLeaseIdShouldChangeNothing() {
		String stale = leaseId();
		this.store.acquireLease(key("l"), TTL, stale, null);
		advanceTime(TTL.plusSeconds(1));
		String current = leaseId();
		LeaseResult takeover = this.store.acquireLease(key("l"), TTL, current, null);
		assertThat(takeover.outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(takeover.record().version()).isEqualTo(2);
		assertThat(takeover.record().firstSeenAt()).isBefore(takeover.record().now());
		assertThat(this.store.extendLease(key("l"), stale, TTL)).isNull();
		assertThat(this.store.completeLease(key("l"), stale, "{}", null, RETENTION)).isNull();
		assertThat(this.store.failLease(key("l"), stale, "x", null, RETENTION)).isNull();
		assertThat(this.store.cancelLease(key("l"), stale)).isFalse();
		LeaseRecord record = this.store.getLease(key("l"));
		assertThat(record.state()).isEqualTo(LeaseState.HELD);
		assertThat(record.leaseId()).isEqualTo(current);
		assertThat(this.store.completeLease(key("l"), current, "{}", null, RETENTION)).isNotNull();
	}

	@Test
	void expiredHolderShouldStillFinishWhileNobodyTookOver() {
		String id = leaseId();
		this.store.acquireLease(key("l"), TTL, id, null);
		advanceTime(TTL.plusSeconds(5));
		assertThat(this.store.getLease(key("l")).isExpired()).isTrue();
		assertThat(this.store.completeLease(key("l"), id, "{}", null, RETENTION)).isNotNull();
	}

	@Test
	void extendShouldMoveTheExpiryFromTheStoreTime() {
		String id = leaseId();
		this.store.acquireLease(key("l"), TTL, id, null);
		advanceTime(TTL.minusSeconds(1));
		LeaseRecord extended = this.store.extendLease(key("l"), id, TTL);
		assertThat(extended).isNotNull();
		assertThat(extended.expiresAt()).isEqualTo(extended.now().plus(TTL));
		advanceTime(TTL.minusSeconds(1));
		assertThat(this.store.acquireLease(key("l"), TTL, leaseId(), null).outcome())
			.isEqualTo(LeaseResult.Outcome.HELD_BY_OTHER);
	}

	@Test
	void cancelShouldLetTheNextCallerAcquireWithTheNextVersion() {
		String id = leaseId();
		this.store.acquireLease(key("l"), TTL, id, null);
		assertThat(this.store.cancelLease(key("l"), id)).isTrue();
		assertThat(this.store.cancelLease(key("l"), id)).isFalse();
		assertThat(this.store.getLease(key("l")).state()).isEqualTo(LeaseState.RELEASED);
		LeaseResult next = this.store.acquireLease(key("l"), TTL, leaseId(), null);
		assertThat(next.outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(next.record().version()).isEqualTo(2);
	}

	@Test
	void terminalLeasePastRetentionShouldStartOver() {
		String id = leaseId();
		this.store.acquireLease(key("l"), TTL, id, null);
		this.store.completeLease(key("l"), id, "{}", null, RETENTION);
		advanceTime(RETENTION.minusSeconds(1));
		assertThat(this.store.getLease(key("l"))).isNotNull();
		advanceTime(Duration.ofSeconds(2));
		assertThat(this.store.getLease(key("l"))).isNull();
		LeaseResult again = this.store.acquireLease(key("l"), TTL, leaseId(), null);
		assertThat(again.outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(again.record().version()).isEqualTo(1);
		assertThat(again.record().resultJson()).isNull();
	}

	@Test
	void deleteLeaseShouldRemoveItInAnyState() {
		String id = leaseId();
		this.store.acquireLease(key("l"), TTL, id, null);
		this.store.completeLease(key("l"), id, "{}", null, RETENTION);
		assertThat(this.store.deleteLease(key("l"))).isTrue();
		assertThat(this.store.getLease(key("l"))).isNull();
		assertThat(this.store.deleteLease(key("l"))).isFalse();
	}

	@Test
	void unknownKeysShouldBeAbsent() {
		assertThat(this.store.getLease(key("none"))).isNull();
		assertThat(this.store.getLock(key("none"))).isNull();
		assertThat(this.store.extendLease(key("none"), leaseId(), TTL)).isNull();
		assertThat(this.store.completeLease(key("none"), leaseId(), "{}", null, RETENTION)).isNull();
		assertThat(this.store.cancelLease(key("none"), leaseId())).isFalse();
	}

	@Test
	void keysWithBracesAndUnicodeShouldStayApart() {
		assertThat(this.store.tryLock(key("{a}:b ü"), TTL, null).acquired()).isTrue();
		assertThat(this.store.tryLock(key("{a}:b ü2"), TTL, null).acquired()).isTrue();
		assertThat(this.store.acquireLease(key("{a}"), TTL, leaseId(), null).outcome())
			.isEqualTo(LeaseResult.Outcome.ACQUIRED);
	}

	@Test
	void nowShouldFollowTheOffset() {
		java.time.Instant before = this.store.now();
		advanceTime(Duration.ofHours(1));
		assertThat(this.store.now()).isAfterOrEqualTo(before.plus(Duration.ofHours(1)));
	}

}
