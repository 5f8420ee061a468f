package tech.onceonly.client.remote;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tech.onceonly.client.ApiException;
import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.OverLimitException;
import tech.onceonly.client.RateLimitException;
import tech.onceonly.client.UnauthorizedException;
import tech.onceonly.client.ValidationException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Check-lock answer mapping (wire reference §2.1): the Python {@code test_parsing.py} and
 * TypeScript {@code parsing.test} cases, plus the rules the suites do not cover.
 * Fail-open is off unless a test needs it.
 */
class CheckLockTests extends RemoteClientTestSupport {

	private static final Duration TTL = Duration.ofSeconds(60);

	private static void answer(int status, String body, String... headers) {
		var response = json(status, body);
		for (int i = 0; i < headers.length; i += 2) {
			response = response.withHeader(headers[i], headers[i + 1]);
		}
		stub(post(urlEqualTo("/v1/check-lock")).willReturn(response));
	}

	private CheckLockResult checkLock() {
		return client((s) -> s.failOpen(false)).checkLock("a", TTL);
	}

	@Test
	void lockedWithHeader() {
		answer(200, "{\"success\":true,\"status\":\"locked\",\"key\":\"a\",\"ttl\":60}", "X-OnceOnly-Status", "locked",
				"X-Request-Id", "rid1");
		CheckLockResult result = checkLock();
		assertThat(result.locked()).isTrue();
		assertThat(result.duplicate()).isFalse();
		assertThat(result.shouldProceed()).isTrue();
		assertThat(result.requestId()).isEqualTo("rid1");
		assertThat(result.statusCode()).isEqualTo(200);
		assertThat(result.ttl()).isEqualTo(60);
	}

	@Test
	void duplicateJson() {
		answer(200,
				"{\"success\":false,\"status\":\"duplicate\",\"key\":\"a\",\"ttl\":60,\"first_seen_at\":\"2026-01-06T10:00:00Z\"}",
				"X-OnceOnly-Status", "duplicate", "X-Request-Id", "rid2");
		CheckLockResult result = checkLock();
		assertThat(result.locked()).isFalse();
		assertThat(result.duplicate()).isTrue();
		assertThat(result.isDuplicate()).isTrue();
		assertThat(result.firstSeenAt()).isEqualTo("2026-01-06T10:00:00Z");
		assertThat(result.requestId()).isEqualTo("rid2");
	}

	@Test
	void conflict409IsADuplicateNotAnError() {
		answer(409, "{\"detail\":{\"error\":\"Duplicate blocked\",\"first_seen_at\":\"2026-01-06T10:00:00Z\"}}",
				"X-Request-Id", "rid3");
		CheckLockResult result = client((s) -> s.failOpen(false)).checkLock("a", TTL, Map.of("m", 1), null);
		assertThat(result.duplicate()).isTrue();
		assertThat(result.locked()).isFalse();
		assertThat(result.firstSeenAt()).isEqualTo("2026-01-06T10:00:00Z");
		assertThat(result.requestId()).isEqualTo("rid3");
		assertThat(result.statusCode()).isEqualTo(409);
		assertThat(result.key()).isEqualTo("a");
		assertThat(result.ttl()).isEqualTo(60);
		assertThat(result.raw()).containsOnlyKeys("detail", "metadata").containsEntry("metadata", Map.of("m", 1));
	}

	@Test
	void conflict409WithoutJsonHasNoDetailInRaw() {
		answer(409, "");
		CheckLockResult result = client((s) -> s.failOpen(false)).checkLock("a");
		assertThat(result.duplicate()).isTrue();
		assertThat(result.ttl()).isZero();
		assertThat(result.raw()).isEmpty();
	}

	@Test
	void overLimit402() {
		answer(402,
				"{\"detail\":{\"error\":\"Free plan limit reached\",\"plan\":\"free\",\"limit\":1000,\"usage\":1001}}");
		assertThatExceptionOfType(OverLimitException.class).isThrownBy(this::checkLock).satisfies((ex) -> {
			assertThat(ex.getMessage()).isEqualTo("Usage limit reached. Please upgrade your plan.");
			assertThat(ex.getDetail()).containsEntry("plan", "free").containsEntry("limit", 1000);
		});
	}

	@Test
	void rateLimit429WithRetryAfter() {
		answer(429, "{\"detail\":\"Rate limit exceeded\"}", "Retry-After", "15");
		assertThatExceptionOfType(RateLimitException.class).isThrownBy(this::checkLock).satisfies((ex) -> {
			assertThat(ex.getRetryAfterSec()).isEqualTo(15.0);
			assertThat(ex.getMessage()).isEqualTo("Rate limit exceeded");
		});
	}

	@Test
	void rateLimit429WithHttpDateRetryAfterHasNoRetryAfter() {
		answer(429, "{}", "Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT");
		assertThatExceptionOfType(RateLimitException.class).isThrownBy(this::checkLock).satisfies((ex) -> {
			assertThat(ex.getRetryAfterSec()).isNull();
			assertThat(ex.getMessage()).isEqualTo(RateLimitException.DEFAULT_MESSAGE);
		});
	}

	@Test
	void unauthorized401() {
		answer(401, "{\"detail\":\"Missing Authorization Bearer token\"}");
		assertThatExceptionOfType(UnauthorizedException.class).isThrownBy(this::checkLock)
			.withMessage("Missing Authorization Bearer token");
	}

	@Test
	void unauthorized403() {
		answer(403, "{\"detail\":\"Invalid API key\"}");
		assertThatExceptionOfType(UnauthorizedException.class).isThrownBy(this::checkLock)
			.withMessage("Invalid API key");
	}

	@Test
	void everyCheckLock403IsUnauthorizedEvenFeatureNotAvailable() {
		answer(403, "{\"detail\":{\"error\":\"feature_not_available\"}}");
		assertThatExceptionOfType(UnauthorizedException.class).isThrownBy(this::checkLock);
	}

	@Test
	void validation422() {
		answer(422, "{\"detail\":\"Validation Error\"}");
		assertThatExceptionOfType(ValidationException.class).isThrownBy(this::checkLock)
			.withMessage("Validation Error");
	}

	@Test
	void validation422WithFastApiListUsesTheDefaultText() {
		String body = "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"key\"],\"msg\":\"Field required\"}]}";
		answer(422, body);
		assertThatExceptionOfType(ValidationException.class).isThrownBy(this::checkLock)
			.withMessage("Validation Error: " + body);
	}

	@Test
	void serverError500IsApiErrorWhenFailOpenIsOff() {
		answer(500, "{\"detail\":\"boom\"}");
		assertThatExceptionOfType(ApiException.class).isThrownBy(this::checkLock).satisfies((ex) -> {
			assertThat(ex.getStatusCode()).isEqualTo(500);
			assertThat(ex.getMessage()).isEqualTo("boom");
			assertThat(ex.getDetail()).isEqualTo(Map.of("detail", "boom"));
		});
	}

	@Test
	void headerDuplicateWithoutJson() {
		answer(200, "{}", "X-OnceOnly-Status", "duplicate");
		CheckLockResult result = checkLock();
		assertThat(result.duplicate()).isTrue();
		assertThat(result.locked()).isFalse();
	}

	@Test
	void serverError500WithHtmlBodyDoesNotCrashTheParser() {
		stub(post(urlEqualTo("/v1/check-lock"))
			.willReturn(aResponse().withStatus(500).withBody("<html>502 Bad Gateway</html>")));
		assertThatExceptionOfType(ApiException.class).isThrownBy(this::checkLock)
			.withMessage("API Error (500)")
			.satisfies((ex) -> assertThat(ex.getDetail()).isEmpty());
	}

	@Test
	void headerLockedWithoutBodyJson() {
		answer(200, "{}", "X-OnceOnly-Status", " Locked ", "X-Request-Id", "rid_locked");
		CheckLockResult result = checkLock();
		assertThat(result.locked()).isTrue();
		assertThat(result.duplicate()).isFalse();
		assertThat(result.requestId()).isEqualTo("rid_locked");
	}

	@Test
	void ttlFallsBackToTheSentTtlWhenMissing() {
		answer(200, "{\"success\":true,\"status\":\"locked\",\"key\":\"a\"}", "X-Request-Id", "rid_ttl");
		CheckLockResult result = client((s) -> s.failOpen(false)).checkLock("a", Duration.ofSeconds(123));
		assertThat(result.ttl()).isEqualTo(123);
		assertThat(result.locked()).isTrue();
		assertThat(result.requestId()).isEqualTo("rid_ttl");
	}

	@Test
	void ttlZeroFallsBackToTheSentTtl() {
		answer(200, "{\"status\":\"locked\",\"key\":\"a\",\"ttl\":0}");
		assertThat(client().checkLock("a", Duration.ofSeconds(90)).ttl()).isEqualTo(90);
	}

	@Test
	void emptyOkBodyWithoutHeaderIsADuplicate() {
		stub(post(urlEqualTo("/v1/check-lock")).willReturn(aResponse().withStatus(200)));
		CheckLockResult result = checkLock();
		assertThat(result.duplicate()).isTrue();
		assertThat(result.locked()).isFalse();
		assertThat(result.key()).isEqualTo("a");
		assertThat(result.ttl()).isEqualTo(60);
	}

	@Test
	void bodyStatusWinsOverTheHeader() {
		answer(200, "{\"status\":\"duplicate\",\"success\":true}", "X-OnceOnly-Status", "locked");
		assertThat(checkLock().duplicate()).isTrue();
		server.resetAll();
		answer(200, "{\"status\":\"LOCKED\",\"success\":false}", "X-OnceOnly-Status", "duplicate");
		assertThat(checkLock().locked()).isTrue();
	}

	@Test
	void successDecidesWhenNeitherStatusNorHeaderDoes() {
		answer(200, "{\"status\":\"weird\",\"success\":true}");
		assertThat(checkLock().locked()).isTrue();
	}

	@Test
	void keyFallsBackToTheSentKeyAndRawGetsTheSentMetadata() {
		answer(200, "{\"status\":\"locked\",\"key\":\"\"}");
		CheckLockResult result = client().checkLock("order:7", TTL, Map.of("m", "v"), null);
		assertThat(result.key()).isEqualTo("order:7");
		assertThat(result.raw()).containsEntry("metadata", Map.of("m", "v")).containsEntry("status", "locked");
	}

	@Test
	void bodyMetadataIsKeptInRaw() {
		answer(200, "{\"status\":\"locked\",\"metadata\":{\"server\":true}}");
		CheckLockResult result = client().checkLock("a", TTL, Map.of("m", "v"), null);
		assertThat(result.raw()).containsEntry("metadata", Map.of("server", true));
	}

	@Test
	void nonObjectJsonBodyIsWrappedAsData() {
		answer(200, "[1,2]", "X-OnceOnly-Status", "locked");
		CheckLockResult result = checkLock();
		assertThat(result.locked()).isTrue();
		assertThat(result.raw()).containsKey("data");
	}

	@Test
	void callerRequestIdIsSentAndTypeScriptLockedThenDuplicate() {
		answer(200, "{\"success\":true,\"status\":\"locked\",\"key\":\"a\",\"ttl\":60}", "X-OnceOnly-Status", "locked");
		CheckLockResult first = client().checkLock("a", TTL, null, "my-request-1");
		assertThat(first.locked()).isTrue();
		assertThat(onlyRequest().getHeader("X-Request-Id")).isEqualTo("my-request-1");
		server.resetAll();
		answer(200, "{\"success\":false,\"status\":\"duplicate\",\"first_seen_at\":\"2026-01-06T10:00:00Z\"}");
		CheckLockResult second = client().checkLock("a", TTL);
		assertThat(second.duplicate()).isTrue();
		assertThat(second.firstSeenAt()).isNotNull();
	}

	@Test
	void monoFormMapsTheSameWay() {
		answer(409, "{\"detail\":{\"error\":\"Duplicate blocked\",\"first_seen_at\":\"t0\"}}");
		CheckLockResult result = client().reactive().checkLock("a", TTL, null, null).block();
		assertThat(result).isNotNull();
		assertThat(result.duplicate()).isTrue();
	}

	@Test
	void monoFormSendsNothingUntilSubscribed() {
		answer(200, "{\"status\":\"locked\"}");
		client().reactive().checkLock("a", TTL, null, null);
		assertThat(requests()).isEmpty();
	}

	@Test
	void ttlIsSentInWholeSecondsDroppingTheFraction() {
		answer(200, "{\"status\":\"locked\"}");
		client().checkLock("a", Duration.ofMillis(2900));
		assertThat(body(onlyRequest())).containsEntry("ttl", 2);
	}

}
