package tech.onceonly.store.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A finished lease is kept as one array: what goes in comes back exactly (every string,
 * every time, the version), whatever the strings hold, and the store answers from it as
 * it answered from an entry object.
 */
class InMemoryFinishedLeaseTests {

	private static final Duration TTL = Duration.ofSeconds(30);

	private static final Duration RETENTION = Duration.ofMinutes(5);

	private final MutableClock clock = MutableClock.startingAt2026();

	@Test
	void randomStringsShouldComeBackExactly() {
		Random random = new Random(16);
		for (int i = 0; i < 5_000; i++) {
			LeaseState state = random.nextBoolean() ? LeaseState.COMPLETED : LeaseState.FAILED;
			long version = random.nextInt(3) == 0 ? Long.MAX_VALUE - random.nextInt(5) : random.nextInt(1_000) + 1;
			long firstSeenAt = random.nextLong() >>> 20;
			long doneAt = firstSeenAt + random.nextInt(1_000_000);
			long expiresAt = doneAt + random.nextInt(100_000_000);
			String result = randomText(random);
			String hash = randomText(random);
			String error = randomText(random);
			String metadata = randomText(random);
			byte[] entry = FinishedLease.encode(state, version, firstSeenAt, expiresAt, doneAt, result, hash, error,
					metadata);
			assertThat(FinishedLease.expiresAt(entry)).isEqualTo(expiresAt);
			LeaseRecord record = FinishedLease.toRecord(entry, "key-" + i, 42);
			assertThat(record.key()).isEqualTo("key-" + i);
			assertThat(record.state()).isEqualTo(state);
			assertThat(record.leaseId()).isNull();
			assertThat(record.version()).isEqualTo(version);
			assertThat(record.firstSeenAt()).isEqualTo(Instant.ofEpochMilli(firstSeenAt));
			assertThat(record.expiresAt()).isEqualTo(Instant.ofEpochMilli(expiresAt));
			assertThat(record.doneAt()).isEqualTo(Instant.ofEpochMilli(doneAt));
			assertThat(record.resultJson()).isEqualTo(result);
			assertThat(record.resultHash()).isEqualTo(hash);
			assertThat(record.errorCode()).isEqualTo(error);
			assertThat(record.metadataJson()).isEqualTo(metadata);
			assertThat(record.now()).isEqualTo(Instant.ofEpochMilli(42));
		}
	}

	/**
	 * Null, empty, ASCII, Latin-1, any UTF-16 unit (lone surrogates included), of lengths
	 * around the one-, two- and three-byte length headers.
	 */
	private static @Nullable String randomText(Random random) {
		int kind = random.nextInt(8);
		if (kind == 0) {
			return null;
		}
		int[] lengths = { 0, 1, 62, 63, 64, 65, 200, 8_190, 8_191, 8_192, 70_000 };
		int length = (random.nextInt(3) == 0) ? lengths[random.nextInt(lengths.length)] : random.nextInt(300);
		char[] chars = new char[length];
		for (int i = 0; i < length; i++) {
			chars[i] = switch (kind) {
				case 1 -> (char) (' ' + random.nextInt(95));
				case 2 -> (char) random.nextInt(0x100);
				case 3 -> (char) random.nextInt(0x10000);
				case 4 -> (i == length - 1) ? '\ud800' : (char) ('a' + random.nextInt(26));
				// lowercase hexadecimal (held two characters per byte when of even
				// length)
				case 6 -> "0123456789abcdef".charAt(random.nextInt(16));
				// almost hexadecimal: one uppercase or other letter in the middle
				case 7 ->
					(i == length / 2) ? "AFg".charAt(random.nextInt(3)) : "0123456789abcdef".charAt(random.nextInt(16));
				default -> (random.nextInt(50) == 0) ? '\u20ac' : (char) random.nextInt(0x100);
			};
		}
		return new String(chars);
	}

	@Test
	void storeShouldAnswerFromAFinishedLeaseAsFromALiveOne() {
		InMemoryStore store = new InMemoryStore(this.clock);
		store.acquireLease("k", TTL, "first", "{\"run_id\":\"r\"}");
		this.clock.advance(Duration.ofSeconds(31));
		// the holder expired: a second holder continues the key (version 2, first seen
		// kept)
		store.acquireLease("k", TTL, "second", "{\"run_id\":\"r2\"}");
		Instant doneAt = store.completeLease("k", "second", "{\"caf\u00e9\":\"\u20ac\"}", "h1", RETENTION);
		assertThat(doneAt).isEqualTo(this.clock.instant());
		LeaseResult replay = store.acquireLease("k", TTL, "third", "{}");
		assertThat(replay.outcome()).isEqualTo(LeaseResult.Outcome.COMPLETED);
		LeaseRecord record = replay.record();
		assertThat(record.state()).isEqualTo(LeaseState.COMPLETED);
		assertThat(record.version()).isEqualTo(2);
		assertThat(record.firstSeenAt()).isEqualTo(Instant.parse("2026-03-01T10:15:30Z"));
		assertThat(record.doneAt()).isEqualTo(doneAt);
		assertThat(record.expiresAt()).isEqualTo(doneAt.plus(RETENTION));
		assertThat(record.resultJson()).isEqualTo("{\"caf\u00e9\":\"\u20ac\"}");
		assertThat(record.resultHash()).isEqualTo("h1");
		assertThat(record.metadataJson()).isEqualTo("{\"run_id\":\"r2\"}");
		assertThat(store.getLease("k")).isEqualTo(record);
		// a finished lease cannot be extended, finished again or cancelled by anyone
		assertThat(store.extendLease("k", "second", TTL)).isNull();
		assertThat(store.completeLease("k", "second", "{}", null, RETENTION)).isNull();
		assertThat(store.failLease("k", "second", "boom", null, RETENTION)).isNull();
		assertThat(store.cancelLease("k", "second")).isFalse();
		assertThat(store.getLease("k")).isEqualTo(record);
		// past its retention the key is new again: version 1, first seen now
		this.clock.advance(RETENTION);
		assertThat(store.getLease("k")).isNull();
		LeaseResult again = store.acquireLease("k", TTL, "fourth", null);
		assertThat(again.outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(again.record().version()).isEqualTo(1);
		assertThat(again.record().firstSeenAt()).isEqualTo(this.clock.instant());
		assertThat(store.failLease("k", "fourth", "declined", "eh", RETENTION)).isNotNull();
		LeaseResult failed = store.acquireLease("k", TTL, "fifth", null);
		assertThat(failed.outcome()).isEqualTo(LeaseResult.Outcome.FAILED);
		assertThat(failed.record().errorCode()).isEqualTo("declined");
		assertThat(failed.record().resultJson()).isNull();
		// errorHash is not kept by the in-memory store (nor by the others' records)
		assertThat(failed.record().resultHash()).isNull();
		assertThat(store.deleteLease("k")).isTrue();
		assertThat(store.bytes()).isZero();
	}

	@Test
	void atTheBoundKeysAlreadyThereShouldStillAnswerAndNewOnesBeRefused() {
		InMemoryStore store = new InMemoryStore(this.clock, 2);
		store.acquireLease("done", TTL, "id", null);
		store.completeLease("done", "id", "{\"ok\":true}", null, RETENTION);
		assertThat(store.tryLock("lock", Duration.ofSeconds(10), null).acquired()).isTrue();
		long bytes = store.bytes();
		// full: a new key is refused, a key already there answers as always
		assertThatExceptionOfType(StoreException.class).isThrownBy(() -> store.acquireLease("new", TTL, "id", null))
			.withMessageContaining("max-entries");
		assertThatExceptionOfType(StoreException.class).isThrownBy(() -> store.tryLock("new", TTL, null));
		assertThat(store.acquireLease("done", TTL, "again", null).outcome()).isEqualTo(LeaseResult.Outcome.COMPLETED);
		assertThat(store.tryLock("lock", Duration.ofSeconds(10), null).acquired()).isFalse();
		assertThat(store.bytes()).isEqualTo(bytes);
		assertThat(store.size()).isEqualTo(2);
		// the lock expires: its key is taken again, and the store makes room for a new
		// one
		this.clock.advance(Duration.ofSeconds(11));
		assertThat(store.tryLock("new", TTL, null).acquired()).isTrue();
		assertThat(store.getLock("lock")).isNull();
		assertThat(store.acquireLease("done", TTL, "again", null).outcome()).isEqualTo(LeaseResult.Outcome.COMPLETED);
	}

}
