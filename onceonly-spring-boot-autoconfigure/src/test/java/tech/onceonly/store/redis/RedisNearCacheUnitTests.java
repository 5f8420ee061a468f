package tech.onceonly.store.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The near cache's own rules without Redis: nothing served or kept while its subscription
 * is down, an answer read before an invalidation is not kept, bytes are counted back on
 * every removal, and bad settings are refused clearly.
 */
class RedisNearCacheUnitTests {

	private static final long REDIS_NOW = 1_800_000_000_000L;

	private final AtomicLong clock = new AtomicLong(5_000_000_000L);

	private final RedisNearCache cache = new RedisNearCache(
			new RedisNearCacheSettings(true, Duration.ofSeconds(2), 3, 10_000), this.clock::get);

	private static LeaseRecord completed(String key, String result, long retentionMillis) {
		Instant now = Instant.ofEpochMilli(REDIS_NOW);
		return new LeaseRecord(key, LeaseState.COMPLETED, null, 1, now, now.plusMillis(retentionMillis), now, result,
				null, null, null, now);
	}

	private void fill(LeaseRecord record) {
		this.cache.fill(record, this.clock.get(), 0, this.cache.generation(record.key()));
	}

	@Test
	void nothingShouldBeKeptOrServedWhileTheSubscriptionIsDown() {
		fill(completed("k", "{}", 60_000));
		assertThat(this.cache.size()).isZero();
		this.cache.live(true);
		fill(completed("k", "{}", 60_000));
		assertThat(this.cache.get("k", 0)).isNotNull();
		this.cache.live(false);
		assertThat(this.cache.size()).isZero();
		assertThat(this.cache.get("k", 0)).isNull();
	}

	@Test
	void anAnswerReadBeforeAnInvalidationShouldNotBeKept() {
		this.cache.live(true);
		LeaseRecord record = completed("k", "{}", 60_000);
		long generation = this.cache.generation("k");
		this.cache.invalidate("k");
		this.cache.fill(record, this.clock.get(), 0, generation);
		assertThat(this.cache.size()).isZero();
		long beforeClear = this.cache.generation("other");
		this.cache.clear();
		this.cache.fill(completed("other", "{}", 60_000), this.clock.get(), 0, beforeClear);
		assertThat(this.cache.size()).isZero();
	}

	@Test
	void theStoreTimeOfACopyShouldMoveWithTheLocalClockAndTheTestOffset() {
		this.cache.live(true);
		fill(completed("k", "{}", 10_000));
		this.clock.addAndGet(Duration.ofMillis(1500).toNanos());
		LeaseRecord copy = this.cache.get("k", 0);
		assertThat(copy.now()).isEqualTo(Instant.ofEpochMilli(REDIS_NOW + 1500));
		assertThat(this.cache.get("k", 10_000 - 1500 - RedisNearCache.SAFETY_MARGIN_MILLIS)).isNull();
		assertThat(this.cache.size()).isZero();
		// a copy too close to its end is not kept at all
		fill(completed("late", "{}", RedisNearCache.SAFETY_MARGIN_MILLIS));
		assertThat(this.cache.size()).isZero();
	}

	@Test
	void bytesShouldBeCountedBackOnEveryRemoval() {
		this.cache.live(true);
		fill(completed("a", "x".repeat(100), 60_000));
		long one = this.cache.bytes();
		fill(completed("a", "x".repeat(100), 60_000));
		assertThat(this.cache.bytes()).isEqualTo(one);
		fill(completed("b", "x".repeat(100), 60_000));
		fill(completed("c", "x".repeat(100), 60_000));
		fill(completed("d", "x".repeat(100), 60_000));
		assertThat(this.cache.size()).isEqualTo(3);
		assertThat(this.cache.get("a", 0)).isNull();
		assertThat(this.cache.bytes()).isEqualTo(3 * one);
		this.cache.invalidate("b");
		assertThat(this.cache.bytes()).isEqualTo(2 * one);
		this.clock.addAndGet(Duration.ofSeconds(3).toNanos());
		assertThat(this.cache.get("c", 0)).isNull();
		assertThat(this.cache.bytes()).isEqualTo(one);
		this.cache.clear();
		assertThat(this.cache.bytes()).isZero();
		fill(completed("wide", "\u20ac".repeat(100), 60_000));
		// two bytes per character once one is not Latin-1 (the key "wide" is three longer
		// than "a")
		assertThat(this.cache.bytes()).isEqualTo(one + 100 + 3);
	}

	@Test
	void badSettingsShouldBeRefusedSayingWhatIsAllowed() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RedisNearCacheSettings(true, Duration.ZERO, 1, 1))
			.withMessageContaining("max-age")
			.withMessageContaining("between 1ms and 1m");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RedisNearCacheSettings(true, Duration.ofMinutes(2), 1, 1))
			.withMessageContaining("max-age");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RedisNearCacheSettings(true, Duration.ofSeconds(1), 0, 1))
			.withMessageContaining("max-entries 0: it must be at least 1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RedisNearCacheSettings(true, Duration.ofSeconds(1), 1, 0))
			.withMessageContaining("max-bytes 0: it must be at least 1");
	}

}
