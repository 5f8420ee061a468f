package tech.onceonly.server.replay;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replay cache: first claim runs, repeats get its answer, bounded in time, count and
 * bytes.
 */
class ReplayCacheTests {

	private final AtomicLong now = new AtomicLong();

	private final ReplayCache cache = new ReplayCache(Duration.ofMinutes(10), 3, 1000, this.now::get);

	private static final byte[] BODY = { 1 };

	private static StoredAnswer answer(int size) {
		return new StoredAnswer(200, List.of(), "application/json", new byte[size]);
	}

	@Test
	void firstClaimShouldRunAndRepeatsShouldGetItsAnswer() throws Exception {
		ReplayCache.Claim first = this.cache.claim("id", BODY);
		assertThat(first.kind()).isEqualTo(ReplayCache.Claim.Kind.FIRST);
		ReplayCache.Claim repeat = this.cache.claim("id", BODY);
		assertThat(repeat.kind()).isEqualTo(ReplayCache.Claim.Kind.REPEAT);
		assertThat(repeat.answer()).isNotDone();
		first.ticket().complete(answer(4));
		assertThat(repeat.answer().get().body()).hasSize(4);
	}

	@Test
	void anotherBodyShouldBeAMismatch() {
		this.cache.claim("id", BODY);
		assertThat(this.cache.claim("id", new byte[] { 2 }).kind()).isEqualTo(ReplayCache.Claim.Kind.MISMATCH);
	}

	@Test
	void answersShouldBeForgottenAfterTheWindow() {
		this.cache.claim("id", BODY).ticket().complete(answer(1));
		this.now.addAndGet(Duration.ofMinutes(10).toNanos() - 1);
		assertThat(this.cache.claim("id", BODY).kind()).isEqualTo(ReplayCache.Claim.Kind.REPEAT);
		this.now.addAndGet(1);
		assertThat(this.cache.claim("id", BODY).kind()).isEqualTo(ReplayCache.Claim.Kind.FIRST);
	}

	@Test
	void theOldestShouldBeForgottenBeyondMaxEntries() {
		for (String id : List.of("a", "b", "c", "d")) {
			this.cache.claim(id, BODY).ticket().complete(answer(1));
		}
		assertThat(this.cache.size()).isEqualTo(3);
		assertThat(this.cache.claim("a", BODY).kind()).isEqualTo(ReplayCache.Claim.Kind.FIRST);
	}

	@Test
	void theOldestShouldBeForgottenBeyondMaxBytes() {
		this.cache.claim("a", BODY).ticket().complete(answer(600));
		this.cache.claim("b", BODY).ticket().complete(answer(600));
		assertThat(this.cache.bytes()).isLessThanOrEqualTo(1000);
		assertThat(this.cache.claim("a", BODY).kind()).isEqualTo(ReplayCache.Claim.Kind.FIRST);
	}

	@Test
	void anAbandonedClaimShouldLetTheNextAttemptRun() throws Exception {
		ReplayCache.Claim first = this.cache.claim("id", BODY);
		ReplayCache.Claim waiting = this.cache.claim("id", BODY);
		first.ticket().abandon();
		assertThat(waiting.answer().get()).isNull();
		assertThat(this.cache.claim("id", BODY).kind()).isEqualTo(ReplayCache.Claim.Kind.FIRST);
	}

}
