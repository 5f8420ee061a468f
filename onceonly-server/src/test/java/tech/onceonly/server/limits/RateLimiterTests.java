package tech.onceonly.server.limits;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The token bucket per key. */
class RateLimiterTests {

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	private final RateLimiter limiter = new RateLimiter(this.now::get);

	@Test
	void burstShouldPassThenTheRateApplies() {
		assertThat(this.limiter.tryAcquire("k", 2, 3)).isZero();
		assertThat(this.limiter.tryAcquire("k", 2, 3)).isZero();
		assertThat(this.limiter.tryAcquire("k", 2, 3)).isZero();
		assertThat(this.limiter.tryAcquire("k", 2, 3)).isEqualTo(1);
		this.now.addAndGet(500_000_000L);
		assertThat(this.limiter.tryAcquire("k", 2, 3)).isZero();
		assertThat(this.limiter.tryAcquire("k", 2, 3)).isEqualTo(1);
	}

	@Test
	void retryAfterShouldBeTheWholeSecondsUntilAToken() {
		this.limiter.tryAcquire("k", 0.1, 1);
		assertThat(this.limiter.tryAcquire("k", 0.1, 1)).isEqualTo(10);
	}

	@Test
	void keysShouldHaveTheirOwnBuckets() {
		this.limiter.tryAcquire("a", 1, 1);
		assertThat(this.limiter.tryAcquire("a", 1, 1)).isPositive();
		assertThat(this.limiter.tryAcquire("b", 1, 1)).isZero();
	}

	@Test
	void zeroRateShouldMeanNoLimit() {
		for (int i = 0; i < 1000; i++) {
			assertThat(this.limiter.tryAcquire("k", 0, 1)).isZero();
		}
	}

}
