package tech.onceonly.client.remote;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

import tech.onceonly.client.AiRun;
import tech.onceonly.client.ApiException;
import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OnceOnlyTimeoutException;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Retries of a call whose earlier attempt may have reached the server (issue 17, item 5)
 * against a host that never replays: a retry's answer that the key is held is not taken
 * as a duplicate of the caller's own first attempt; the earlier failure is reported
 * instead. A replayed answer ({@code X-OnceOnly-Replayed: true}) and a retry after an
 * attempt that certainly did not reach the server (429) are trusted as they are.
 */
class RemoteRetrySafetyTests extends RemoteClientTestSupport {

	private static final String LOCKED = "{\"success\":true,\"status\":\"locked\",\"key\":\"k\",\"ttl\":60}";

	private static final String DUPLICATE = "{\"success\":false,\"status\":\"duplicate\",\"key\":\"k\",\"ttl\":60,"
			+ "\"first_seen_at\":\"2026-01-01T00:00:00Z\"}";

	private OnceOnly retrying(boolean failOpen) {
		return client((settings) -> settings.maxRetries(2).timeout(Duration.ofMillis(400)).failOpen(failOpen));
	}

	@Test
	void duplicateAfterALostResponseShouldFailOpenNotReportADuplicate() {
		sequence(() -> post(urlEqualTo("/v1/check-lock")), json(200, LOCKED).withFixedDelay(1500),
				json(200, DUPLICATE));
		CheckLockResult result = retrying(true).checkLock("k", Duration.ofSeconds(60));
		assertThat(result.duplicate()).isFalse();
		assertThat(result.locked()).isTrue();
		assertThat(result.raw()).containsEntry("fail_open", true).containsEntry("reason", "timeout");
	}

	@Test
	void duplicateAfterALostResponseShouldRaiseTheTimeoutWhenFailOpenIsOff() {
		sequence(() -> post(urlEqualTo("/v1/check-lock")), json(200, LOCKED).withFixedDelay(1500),
				json(200, DUPLICATE));
		assertThatExceptionOfType(OnceOnlyTimeoutException.class)
			.isThrownBy(() -> retrying(false).checkLock("k", Duration.ofSeconds(60)));
	}

	@Test
	void conflictDuplicateAfterA5xxShouldRaiseThe5xx() {
		sequence(() -> post(urlEqualTo("/v1/check-lock")), json(502, "{\"detail\":\"bad gateway\"}"),
				json(409, "{\"detail\":{\"error\":\"Duplicate blocked\"}}"));
		assertThatExceptionOfType(ApiException.class)
			.isThrownBy(() -> retrying(false).checkLock("k", Duration.ofSeconds(60)))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(502));
	}

	@Test
	void replayedAnswerShouldBeTrusted() {
		sequence(() -> post(urlEqualTo("/v1/check-lock")), json(200, LOCKED).withFixedDelay(1500),
				json(200, DUPLICATE).withHeader("X-OnceOnly-Replayed", "true"));
		CheckLockResult result = retrying(false).checkLock("k", Duration.ofSeconds(60));
		assertThat(result.duplicate()).isTrue();
	}

	@Test
	void lockedAfterALostResponseShouldBeTrusted() {
		sequence(() -> post(urlEqualTo("/v1/check-lock")), json(200, LOCKED).withFixedDelay(1500), json(200, LOCKED));
		CheckLockResult result = retrying(false).checkLock("k", Duration.ofSeconds(60));
		assertThat(result.locked()).isTrue();
		assertThat(result.raw()).doesNotContainKey("fail_open");
	}

	@Test
	void duplicateAfterA429ShouldBeADuplicate() {
		sequence(() -> post(urlEqualTo("/v1/check-lock")), json(429, "{\"detail\":\"slow down\"}"),
				json(200, DUPLICATE));
		CheckLockResult result = retrying(false).checkLock("k", Duration.ofSeconds(60));
		assertThat(result.duplicate()).isTrue();
	}

	@Test
	void leaseHeldByOtherAfterALostResponseShouldRaiseTheTimeout() {
		sequence(() -> post(urlEqualTo("/v1/ai/lease")),
				json(200, "{\"status\":\"acquired\",\"lease_id\":\"l1\"}").withFixedDelay(1500),
				json(200, "{\"status\":\"polling\",\"lease_id\":null,\"retry_after_sec\":5}"));
		assertThatExceptionOfType(OnceOnlyTimeoutException.class)
			.isThrownBy(() -> retrying(false).ai().lease("k", Duration.ofSeconds(60), null));
	}

	@Test
	void leaseAcquiredOnRetryShouldBeTrusted() {
		sequence(() -> post(urlEqualTo("/v1/ai/lease")),
				json(200, "{\"status\":\"acquired\",\"lease_id\":\"l1\"}").withFixedDelay(1500),
				json(200, "{\"status\":\"acquired\",\"lease_id\":\"l2\"}"));
		AiRun run = retrying(false).ai().lease("k", Duration.ofSeconds(60), null);
		assertThat(run.leaseId()).isEqualTo("l2");
	}

	@Test
	void everyAttemptOfACallShouldCarryOneRetryTokenThatIsNotTheRequestId() {
		sequence(() -> post(urlEqualTo("/v1/check-lock")), json(503, "{}"), json(200, LOCKED));
		OnceOnly client = retrying(false);
		client.checkLock("k", Duration.ofSeconds(60), Map.of(), "caller-trace-id");
		client.checkLock("k2", Duration.ofSeconds(60), Map.of(), "caller-trace-id");
		List<LoggedRequest> sent = requests();
		assertThat(sent).hasSize(3);
		assertThat(sent)
			.allSatisfy((request) -> assertThat(request.getHeader("X-Request-Id")).isEqualTo("caller-trace-id"));
		String token = sent.get(0).getHeader("X-OnceOnly-Retry-Token");
		assertThat(token).isNotBlank().isNotEqualTo("caller-trace-id");
		assertThat(sent.get(1).getHeader("X-OnceOnly-Retry-Token")).isEqualTo(token);
		assertThat(sent.get(2).getHeader("X-OnceOnly-Retry-Token")).isNotEqualTo(token);
	}

}
