package tech.onceonly.ai;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tech.onceonly.store.LockRecord;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotentToolCallsTests {

	private final AiTestFixture fixture = new AiTestFixture();

	private final AtomicInteger runs = new AtomicInteger();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void duplicateInputShouldSkipTheToolWithTheSdkMessage() {
		IdempotentToolCalls calls = new IdempotentToolCalls(this.fixture.once, this.fixture.arguments);

		assertThat(calls.call("send_email", "{\"user_id\":\"u_100\",\"amount\":50}", this::run)).isEqualTo("sent #1");
		assertThat(calls.call("send_email", "{\"amount\":50,\"user_id\":\"u_100\"}", this::run))
			.isEqualTo("Action 'send_email' skipped (idempotency key duplicate).");
		assertThat(calls.call("send_email", "{\"user_id\":\"u_101\",\"amount\":50}", this::run)).isEqualTo("sent #2");
		assertThat(this.runs).hasValue(2);
	}

	@Test
	void keyShouldFollowTheSdkAndExpireAfterTheTtl() {
		IdempotentToolCalls calls = new IdempotentToolCalls(this.fixture.once, this.fixture.arguments, "tool",
				java.time.Duration.ofMinutes(10), Map.of("team", "growth"));
		String key = calls.key("send_email", "{\"user_id\":\"u_100\",\"amount\":50}");
		assertThat(key).isEqualTo("tool:send_email:5313ba5eeb951ca7238066d9d35477c85ecd974a65687f9db836dce1eeb2c6dd");

		calls.call("send_email", "{\"user_id\":\"u_100\",\"amount\":50}", this::run);
		this.fixture.clock.advance(java.time.Duration.ofMinutes(11));
		calls.call("send_email", "{\"user_id\":\"u_100\",\"amount\":50}", this::run);

		assertThat(this.runs).hasValue(2);
	}

	@Test
	void metadataShouldNameTheToolUnderTheCallersMetadata() {
		IdempotentToolCalls calls = new IdempotentToolCalls(this.fixture.once, this.fixture.arguments, "tool",
				java.time.Duration.ofMinutes(10), Map.of("team", "growth"));
		calls.call("send_email", "\"hello\"", this::run);

		LockRecord record = this.fixture.once.store()
			.getLock("tool:send_email:6c3f44f414b670a953c7c40d40d52146d8d186de35dc24b8547c200873dd5240");
		assertThat(record).isNotNull();
		assertThat(record.metadataJson()).contains("\"tool\":\"send_email\"").contains("\"team\":\"growth\"");
	}

	private String run() {
		return "sent #" + this.runs.incrementAndGet();
	}

}
