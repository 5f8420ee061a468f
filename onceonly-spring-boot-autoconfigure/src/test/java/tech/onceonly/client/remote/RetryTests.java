package tech.onceonly.client.remote;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import tech.onceonly.client.ApiException;
import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OnceOnlyException;
import tech.onceonly.client.OnceOnlyTransportException;
import tech.onceonly.client.RateLimitException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Retries (wire reference §3.3 with the DESIGN §7 defaults): retryable statuses and
 * transport errors, the attempt budget, {@code Retry-After} used verbatim up to its cap,
 * exponential backoff with jitter, and one {@code X-Request-Id} per logical call.
 */
class RetryTests extends RemoteClientTestSupport {

	private OnceOnly retrying() {
		return client((s) -> s.maxRetries(3));
	}

	private static List<String> requestIds() {
		return requests().stream().map((r) -> r.getHeader("X-Request-Id")).toList();
	}

	@ParameterizedTest
	@ValueSource(ints = { 429, 500, 502, 503, 504 })
	void retryableStatusIsRetriedUntilSuccess(int status) {
		sequence(() -> get(urlEqualTo("/v1/me")), json(status, "{\"detail\":\"again\"}"),
				json(200, "{\"plan\":\"pro\"}"));
		assertThat(retrying().me()).containsEntry("plan", "pro");
		assertThat(requests()).hasSize(2);
	}

	@ParameterizedTest
	@ValueSource(ints = { 400, 401, 403, 404, 409, 422, 501 })
	void otherStatusesAreNotRetried(int status) {
		stub(any(anyUrl()).willReturn(json(status, "{\"detail\":\"no\"}")));
		OnceOnly client = retrying();
		assertThatExceptionOfType(OnceOnlyException.class).isThrownBy(client::me)
			.isNotInstanceOf(OnceOnlyTransportException.class);
		assertThat(requests()).hasSize(1);
	}

	@Test
	void exhausted429RaisesRateLimitWithTheLastRetryAfter() {
		stub(any(anyUrl()).willReturn(json(429, "{\"detail\":\"slow down\"}").withHeader("Retry-After", "0.01")));
		assertThatExceptionOfType(RateLimitException.class).isThrownBy(() -> retrying().usageAll())
			.satisfies((ex) -> assertThat(ex.getRetryAfterSec()).isEqualTo(0.01));
		assertThat(requests()).hasSize(4);
	}

	@Test
	void exhausted5xxOnCheckLockFailsOpenAfterEveryAttempt() {
		stub(post(urlEqualTo("/v1/check-lock")).willReturn(json(502, "{}")));
		CheckLockResult result = retrying().checkLock("k");
		assertThat(result.raw()).containsEntry("reason", "api_5xx");
		assertThat(requests()).hasSize(4);
	}

	@Test
	void exhausted5xxRaisesApiException() {
		stub(any(anyUrl()).willReturn(json(503, "{\"detail\":\"down\"}")));
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> client((s) -> s.maxRetries(1)).me())
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(503));
		assertThat(requests()).hasSize(2);
	}

	@Test
	void transportErrorIsRetried() {
		sequence(() -> post(urlEqualTo("/v1/ai/lease")), aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
				json(200, "{\"status\":\"acquired\",\"lease_id\":\"l1\"}"));
		assertThat(retrying().ai().lease("k", null, null).leaseId()).isEqualTo("l1");
		assertThat(requests()).hasSize(2);
	}

	@Test
	void timeoutIsRetried() {
		sequence(() -> get(urlEqualTo("/v1/me")), json(200, "{\"plan\":\"slow\"}").withFixedDelay(500),
				json(200, "{\"plan\":\"fast\"}"));
		assertThat(client((s) -> s.maxRetries(1).timeout(Duration.ofMillis(150))).me()).containsEntry("plan", "fast");
	}

	@Test
	void refusedConnectionIsRetriedWithExponentialBackoff() {
		OnceOnly client = client((s) -> s.baseUrl("http://127.0.0.1:" + closedPort() + "/v1")
			.maxRetries(2)
			.retryBackoff(Duration.ofMillis(60))
			.retryMaxBackoff(Duration.ofSeconds(1)));
		long start = System.nanoTime();
		assertThatExceptionOfType(OnceOnlyTransportException.class).isThrownBy(client::me);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(180));
	}

	@Test
	void retryAfterIsUsedVerbatimBelowItsCap() {
		sequence(() -> get(urlEqualTo("/v1/me")), json(429, "{}").withHeader("Retry-After", "0.25"), json(200, "{}"));
		long start = System.nanoTime();
		client((s) -> s.maxRetries(1).retryAfterCap(Duration.ofSeconds(5)).retryBackoff(Duration.ZERO)).me();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
	}

	@Test
	void retryAfterIsCapped() {
		sequence(() -> get(urlEqualTo("/v1/me")), json(503, "{}").withHeader("Retry-After", "120"), json(200, "{}"));
		long start = System.nanoTime();
		client((s) -> s.maxRetries(1).retryAfterCap(Duration.ofMillis(20))).me();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		assertThat(requests()).hasSize(2);
	}

	@Test
	void oneGeneratedRequestIdIsKeptAcrossRetriesAndNewPerCall() {
		sequence(() -> post(urlEqualTo("/v1/ai/complete")), json(500, "{}"), json(503, "{}"), json(200, "{}"));
		OnceOnly client = retrying();
		client.ai().complete("k", "l", Map.of("a", 1), null);
		client.ai().complete("k", "l", Map.of("a", 1), null);
		List<String> ids = requestIds();
		assertThat(ids).hasSize(4);
		assertThat(ids.subList(0, 3)).containsOnly(ids.get(0));
		assertThat(ids.get(3)).isNotEqualTo(ids.get(0));
	}

	@Test
	void callersCheckLockRequestIdWinsAcrossRetries() {
		sequence(() -> post(urlEqualTo("/v1/check-lock")), json(500, "{}"),
				json(200, "{\"status\":\"locked\"}").withHeader("X-Request-Id", "req-42"));
		CheckLockResult result = retrying().checkLock("k", null, null, "req-42");
		assertThat(result.locked()).isTrue();
		assertThat(result.requestId()).isEqualTo("req-42");
		assertThat(requestIds()).containsExactly("req-42", "req-42");
	}

	@Test
	void reactiveCallsRetryToo() {
		sequence(() -> get(urlEqualTo("/v1/usage/all")), json(429, "{}").withHeader("Retry-After", "0"),
				json(200, "{\"plan\":\"free\"}"));
		assertThat(retrying().reactive().usageAll().block()).containsEntry("plan", "free");
	}

	@Test
	void backoffIsExponentialAndCappedWithoutJitter() {
		RetryDelays delays = new RetryDelays(RemoteOnceOnlySettings.builder(API_KEY).jitter(0).build());
		assertThat(List.of(0, 1, 2, 3, 4, 5, 6).stream().map((n) -> delays.backoff(n).toMillis()).toList())
			.containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 10000L, 10000L);
	}

	@Test
	void jitterShortensTheBackoffByAtMostTheFactor() {
		RemoteOnceOnlySettings settings = RemoteOnceOnlySettings.builder(API_KEY).jitter(0.5).build();
		assertThat(new RetryDelays(settings, () -> 0.0).backoff(1)).isEqualTo(Duration.ofSeconds(1));
		assertThat(new RetryDelays(settings, () -> 0.5).backoff(1)).isEqualTo(Duration.ofMillis(750));
		assertThat(new RetryDelays(settings, () -> 0.999999).backoff(10).toMillis()).isBetween(5000L, 5001L);
	}

	@Test
	void retryAfterHeaderParsing() {
		RetryDelays delays = new RetryDelays(RemoteOnceOnlySettings.builder(API_KEY).jitter(0).build());
		assertThat(delays.afterResponse(0, "1.5")).isEqualTo(Duration.ofMillis(1500));
		assertThat(delays.afterResponse(0, "-3")).isEqualTo(Duration.ZERO);
		assertThat(delays.afterResponse(0, "600")).isEqualTo(Duration.ofSeconds(30));
		assertThat(delays.afterResponse(2, "Wed, 21 Oct 2026 07:28:00 GMT")).isEqualTo(Duration.ofSeconds(2));
		assertThat(delays.afterResponse(1, null)).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void retriesUseTheInjectedJitterSource() {
		sequence(() -> get(urlEqualTo("/v1/me")), json(500, "{}"), json(200, "{}"));
		RemoteOnceOnlySettings settings = settings().maxRetries(1)
			.retryBackoff(Duration.ofSeconds(20))
			.retryMaxBackoff(Duration.ofSeconds(20))
			.jitter(1)
			.build();
		long start = System.nanoTime();
		client(settings, () -> 0.99999).me();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		assertThat(requests()).hasSize(2);
	}

}
