package tech.onceonly.client.remote;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.ApiException;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.ResultNotSerializableException;
import tech.onceonly.client.RunFnOptions;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code runFn} (wire reference §4.3): acquired, missing lease id, completed, failed, not
 * acquired, wait on conflict, failure recording or release, the heartbeat, and the
 * conversion of return values; blocking and {@code Mono} forms.
 */
class RunFnTests extends RemoteClientTestSupport {

	private static final RunFnOptions OPTIONS = RunFnOptions.defaults()
		.withTtl(Duration.ofSeconds(123))
		.withWaitOnConflict(true, RemoteAiTests.FAST);

	private static void lease(String body) {
		stub(post(urlEqualTo("/v1/ai/lease")).willReturn(json(200, body)));
	}

	private static void acquiredFlow() {
		lease("{\"status\":\"acquired\",\"lease_id\":\"l1\"}");
		stub(post(urlEqualTo("/v1/ai/extend")).willReturn(json(200, "{\"ok\":true,\"status\":\"extended\"}")));
		stub(post(urlEqualTo("/v1/ai/complete")).willReturn(json(200, "{\"ok\":true}")));
		stub(post(urlEqualTo("/v1/ai/fail")).willReturn(json(200, "{\"ok\":true}")));
		stub(post(urlEqualTo("/v1/ai/cancel")).willReturn(json(200, "{\"ok\":true}")));
		stub(get(urlPathEqualTo("/v1/ai/result")).willReturn(
				json(200, "{\"ok\":true,\"status\":\"completed\",\"key\":\"ai:k\",\"result\":{\"stored\":true}}")));
	}

	private static List<Map<String, Object>> bodies(String path) {
		return server.findAll(postRequestedFor(urlEqualTo(path))).stream().map(RemoteClientTestSupport::body).toList();
	}

	private static Object slow(Object value) {
		try {
			Thread.sleep(150);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return value;
	}

	@Test
	void blockingRunFnShouldRunTheFunctionOnTheCallingThread() {
		acquiredFlow();
		Thread caller = Thread.currentThread();
		AtomicReference<Thread> ranOn = new AtomicReference<>();
		client().ai().runFn("ai:k", () -> {
			ranOn.set(Thread.currentThread());
			return Map.of("ok", true);
		}, OPTIONS);
		assertThat(ranOn.get()).isSameAs(caller);
	}

	@Test
	void acquiredRunsFnCompletesAndReturnsTheStoredResult() {
		acquiredFlow();
		AtomicInteger calls = new AtomicInteger();
		AiResult result = client().ai().runFn("ai:k", () -> {
			calls.incrementAndGet();
			return slow(Map.of("charge", "ch_1"));
		}, OPTIONS.withMetadata(Map.of("user", "u1")));
		assertThat(calls).hasValue(1);
		assertThat(result.status()).isEqualTo("completed");
		assertThat(result.result()).isEqualTo(Map.of("stored", true));
		assertThat(bodies("/v1/ai/lease"))
			.containsExactly(Map.of("key", "ai:k", "ttl", 123, "metadata", Map.of("user", "u1")));
		assertThat(bodies("/v1/ai/complete"))
			.containsExactly(Map.of("key", "ai:k", "lease_id", "l1", "result", Map.of("charge", "ch_1")));
		// no heartbeat is due before a third of the ttl: a short run costs lease,
		// complete and result
		assertThat(bodies("/v1/ai/extend")).isEmpty();
		server.verify(1, getRequestedFor(urlEqualTo("/v1/ai/result?key=ai%3Ak")));
		server.verify(0, postRequestedFor(urlEqualTo("/v1/ai/fail")));
	}

	@Test
	void acquiredWithoutLeaseIdDoesNotRunFn() {
		lease("{\"status\":\"acquired\"}");
		AtomicInteger calls = new AtomicInteger();
		AiResult result = client().ai().runFn("ai:k", calls::incrementAndGet, OPTIONS);
		assertThat(calls).hasValue(0);
		assertThat(result.status()).isEqualTo("failed");
		assertThat(result.errorCode()).isEqualTo("missing_lease_id");
		assertThat(requests()).hasSize(1);
	}

	@Test
	void completedReturnsTheFirstExecutionsResult() {
		lease("{\"status\":\"Completed\"}");
		stub(get(urlPathEqualTo("/v1/ai/result"))
			.willReturn(json(200, "{\"ok\":true,\"status\":\"completed\",\"result\":{\"first\":1}}")));
		AtomicInteger calls = new AtomicInteger();
		AiResult result = client().ai().runFn("ai:k", calls::incrementAndGet, OPTIONS);
		assertThat(calls).hasValue(0);
		assertThat(result.result()).isEqualTo(Map.of("first", 1));
	}

	@Test
	void failedReturnsTheStoredFailure() {
		lease("{\"status\":\"failed\"}");
		stub(get(urlPathEqualTo("/v1/ai/result"))
			.willReturn(json(200, "{\"ok\":true,\"status\":\"failed\",\"error_code\":\"fn_error\"}")));
		AiResult result = client().ai().runFn("ai:k", () -> "never", OPTIONS);
		assertThat(result.isFailed()).isTrue();
		assertThat(result.errorCode()).isEqualTo("fn_error");
	}

	@Test
	void notAcquiredWithoutWaitingIsSynthetic() {
		lease("{\"status\":\"polling\",\"retry_after_sec\":5}");
		AiResult result = client().ai()
			.runFn("ai:k", () -> "never", OPTIONS.withWaitOnConflict(false, RemoteAiTests.FAST));
		assertThat(result.status()).isEqualTo("polling");
		assertThat(result.errorCode()).isEqualTo("not_acquired");
		assertThat(result.ok()).isFalse();
	}

	@Test
	void notAcquiredWithEmptyStatusIsInProgress() {
		lease("{}");
		AiResult result = client().ai()
			.runFn("ai:k", () -> "never", OPTIONS.withWaitOnConflict(false, RemoteAiTests.FAST));
		assertThat(result.status()).isEqualTo("in_progress");
		assertThat(result.errorCode()).isEqualTo("not_acquired");
	}

	@Test
	void inProgressWaitsForTheFirstExecutionWithoutExtending() {
		lease("{\"status\":\"in_progress\",\"lease_id\":null}");
		sequence(() -> get(urlPathEqualTo("/v1/ai/status")), json(200, "{\"status\":\"in_progress\"}"),
				json(200, "{\"status\":\"completed\"}"));
		stub(get(urlPathEqualTo("/v1/ai/result"))
			.willReturn(json(200, "{\"ok\":true,\"status\":\"completed\",\"result\":{\"first\":1}}")));
		AtomicInteger calls = new AtomicInteger();
		AiResult result = client().ai().runFn("ai:k", calls::incrementAndGet, OPTIONS);
		assertThat(calls).hasValue(0);
		assertThat(result.result()).isEqualTo(Map.of("first", 1));
		server.verify(2, getRequestedFor(urlPathEqualTo("/v1/ai/status")));
		server.verify(0, postRequestedFor(urlEqualTo("/v1/ai/extend")));
	}

	@Test
	void waiterTakesOverWhenTheHolderReleasedOrExpired() {
		acquiredFlow();
		sequence(() -> post(urlEqualTo("/v1/ai/lease")), json(200, "{\"status\":\"polling\"}"),
				json(200, "{\"status\":\"acquired\",\"lease_id\":\"l2\"}"));
		sequence(() -> get(urlPathEqualTo("/v1/ai/status")), json(200, "{\"status\":\"in_progress\"}"),
				json(200, "{\"status\":\"expired\"}"));
		AtomicInteger calls = new AtomicInteger();
		AiResult result = client().ai().runFn("ai:k", () -> {
			calls.incrementAndGet();
			return Map.of("mine", true);
		}, OPTIONS);
		assertThat(calls).hasValue(1);
		assertThat(result.isCompleted()).isTrue();
		assertThat(bodies("/v1/ai/lease")).hasSize(2);
		assertThat(bodies("/v1/ai/complete")).extracting((body) -> body.get("lease_id")).containsExactly("l2");
	}

	@Test
	void takeOverAttemptsStopAtTheWaitTimeout() {
		lease("{\"status\":\"polling\"}");
		stub(get(urlPathEqualTo("/v1/ai/status")).willReturn(json(200, "{\"status\":\"released\"}")));
		RunFnOptions options = OPTIONS.withWaitOnConflict(true, RemoteAiTests.FAST.withTimeout(Duration.ofMillis(200))
			.withPoll(Duration.ofMillis(20), Duration.ofMillis(20)));
		AtomicInteger calls = new AtomicInteger();
		AiResult result = client().ai().runFn("ai:k", calls::incrementAndGet, options);
		assertThat(calls).hasValue(0);
		assertThat(result.errorCode()).isEqualTo("timeout");
		assertThat(bodies("/v1/ai/lease").size()).isGreaterThan(1);
	}

	@Test
	void fnFailureIsRecordedWithTheErrorCodeAndRethrown() {
		acquiredFlow();
		stub(post(urlEqualTo("/v1/ai/fail")).willReturn(json(500, "{\"detail\":\"fail is down\"}")));
		OnceOnly client = client();
		assertThatIllegalStateException().isThrownBy(() -> client.ai().runFn("ai:k", () -> {
			throw new IllegalStateException("card declined");
		}, OPTIONS.withFailure("charge_failed", (ex) -> true))).withMessage("card declined");
		assertThat(bodies("/v1/ai/fail"))
			.containsExactly(Map.of("key", "ai:k", "lease_id", "l1", "error_code", "charge_failed"));
		server.verify(0, postRequestedFor(urlEqualTo("/v1/ai/complete")));
		server.verify(0, postRequestedFor(urlEqualTo("/v1/ai/cancel")));
		server.verify(0, getRequestedFor(urlPathEqualTo("/v1/ai/result")));
	}

	@Test
	void fnFailureNotRecordedReleasesTheLease() {
		acquiredFlow();
		OnceOnly client = client();
		assertThatIllegalStateException().isThrownBy(() -> client.ai().runFn("ai:k", () -> {
			throw new IllegalStateException("transient");
		}, OPTIONS.withFailure("fn_error", (ex) -> !(ex instanceof IllegalStateException))));
		assertThat(bodies("/v1/ai/cancel"))
			.containsExactly(Map.of("key", "ai:k", "lease_id", "l1", "reason", "fn_error"));
		server.verify(0, postRequestedFor(urlEqualTo("/v1/ai/fail")));
	}

	@Test
	void completeRefusedRecordsTheResultAsRejectedAndNeverRunsAgain() {
		acquiredFlow();
		stub(post(urlEqualTo("/v1/ai/complete"))
			.willReturn(json(400, "{\"detail\":{\"error\":\"result_too_large\"}}")));
		assertThatExceptionOfType(ResultNotSerializableException.class)
			.isThrownBy(() -> client().ai().runFn("ai:k", () -> Map.of("a", 1), OPTIONS))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(ResultNotSerializableException.REJECTED))
			.havingCause()
			.isInstanceOfSatisfying(ApiException.class,
					(cause) -> assertThat(cause.getErrorCode()).isEqualTo("result_too_large"));
		// refused at once, not retried; the key is failed, never released
		assertThat(bodies("/v1/ai/complete")).hasSize(1);
		assertThat(bodies("/v1/ai/fail")).containsExactly(
				Map.of("key", "ai:k", "lease_id", "l1", "error_code", ResultNotSerializableException.REJECTED));
		server.verify(0, postRequestedFor(urlEqualTo("/v1/ai/cancel")));
	}

	@Test
	void completeFailingWithA5xxIsRetriedAndTheWorkRunsOnce() {
		acquiredFlow();
		stub(post(urlEqualTo("/v1/ai/complete")).inScenario("complete")
			.whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
			.willReturn(json(503, "{\"detail\":\"down\"}"))
			.willSetStateTo("up"));
		stub(post(urlEqualTo("/v1/ai/complete")).inScenario("complete")
			.whenScenarioStateIs("up")
			.willReturn(json(200, "{\"ok\":true,\"status\":\"completed\"}")));
		AtomicInteger calls = new AtomicInteger();
		AiResult result = client().ai().runFn("ai:k", () -> {
			calls.incrementAndGet();
			return Map.of("a", 1);
		}, OPTIONS);
		assertThat(calls).hasValue(1);
		assertThat(result.isCompleted()).isTrue();
		assertThat(bodies("/v1/ai/complete")).hasSize(2);
		server.verify(0, postRequestedFor(urlEqualTo("/v1/ai/cancel")));
		server.verify(0, postRequestedFor(urlEqualTo("/v1/ai/fail")));
	}

	@Test
	void heartbeatStopsOnceTheServerSaysTheLeaseIsLost() {
		acquiredFlow();
		stub(post(urlEqualTo("/v1/ai/extend")).willReturn(json(409, "{\"detail\":{\"error\":\"stale_lease\"}}")));
		AiResult result = client().ai().runFn("ai:k", () -> {
			try {
				Thread.sleep(1400);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return null;
		}, OPTIONS.withExtendEvery(Duration.ofMillis(10)));
		// the completion is fenced by the server, which answered it here
		assertThat(result.isCompleted()).isTrue();
		assertThat(bodies("/v1/ai/extend")).hasSize(1);
	}

	@Test
	void heartbeatStopsWhenTheWorkEnds() throws InterruptedException {
		acquiredFlow();
		client().ai().runFn("ai:k", () -> slow("done"), OPTIONS.withExtendEvery(Duration.ofSeconds(1)));
		int extendsAfterRun = bodies("/v1/ai/extend").size();
		Thread.sleep(1100);
		assertThat(bodies("/v1/ai/extend")).hasSize(extendsAfterRun);
	}

	@Test
	void nullResultIsCompletedWithoutAResult() {
		acquiredFlow();
		client().ai().runFn("ai:k", () -> null, OPTIONS);
		assertThat(bodies("/v1/ai/complete")).containsExactly(Map.of("key", "ai:k", "lease_id", "l1"));
	}

	@Test
	void objectResultsAreConvertedAndOtherValuesWrapped() {
		acquiredFlow();
		OnceOnly client = client();
		client.ai().runFn("k1", () -> new Charge("ch_1", 5), OPTIONS);
		client.ai().runFn("k2", () -> "ok", OPTIONS);
		client.ai().runFn("k3", () -> List.of(1, 2), OPTIONS);
		client.ai().runFn("k4", () -> 42, OPTIONS);
		assertThat(bodies("/v1/ai/complete")).extracting((body) -> body.get("result"))
			.containsExactlyInAnyOrder(Map.of("id", "ch_1", "amount", 5), Map.of("value", "ok"),
					Map.of("value", List.of(1, 2)), Map.of("value", 42));
	}

	@Test
	void reactiveRunFnSubscribesFnOnlyWhenAcquired() {
		acquiredFlow();
		AtomicInteger subscriptions = new AtomicInteger();
		Mono<AiResult> run = client().reactive()
			.ai()
			.runFn("ai:k",
					() -> Mono.delay(Duration.ofMillis(100))
						.doOnSubscribe((s) -> subscriptions.incrementAndGet())
						.thenReturn(Map.of("ok", true)),
					OPTIONS);
		assertThat(subscriptions).hasValue(0);
		AiResult result = run.block();
		assertThat(result).isNotNull();
		assertThat(result.result()).isEqualTo(Map.of("stored", true));
		assertThat(subscriptions).hasValue(1);
		assertThat(bodies("/v1/ai/complete")).extracting((body) -> body.get("result"))
			.containsExactly(Map.of("ok", true));
	}

	@Test
	void reactiveRunFnWithEmptyMonoCompletesWithoutResult() {
		acquiredFlow();
		client().reactive().ai().runFn("ai:k", Mono::empty, OPTIONS).block();
		assertThat(bodies("/v1/ai/complete")).containsExactly(Map.of("key", "ai:k", "lease_id", "l1"));
	}

	@Test
	void reactiveRunFnErrorIsRecordedAndPropagated() {
		acquiredFlow();
		Mono<AiResult> run = client().reactive()
			.ai()
			.runFn("ai:k", () -> Mono.error(new IllegalStateException("boom")), OPTIONS);
		assertThatIllegalStateException().isThrownBy(run::block).withMessage("boom");
		assertThat(bodies("/v1/ai/fail")).hasSize(1);
	}

	@Test
	void reactiveRunFnNotAcquiredNeverSubscribesFn() {
		lease("{\"status\":\"completed\"}");
		stub(get(urlPathEqualTo("/v1/ai/result")).willReturn(json(200, "{\"status\":\"completed\"}")));
		AtomicInteger subscriptions = new AtomicInteger();
		client().reactive()
			.ai()
			.runFn("ai:k", () -> Mono.fromCallable(subscriptions::incrementAndGet), OPTIONS)
			.block();
		assertThat(subscriptions).hasValue(0);
	}

	/** A result type that serialises to a JSON object. */
	record Charge(String id, int amount) {
	}

	@Test
	void aCancelledReactiveSubscriptionShouldNeitherStopTheWorkNorReleaseTheKey() throws InterruptedException {
		acquiredFlow();
		java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
		AtomicInteger effects = new AtomicInteger();
		reactor.core.Disposable subscription = client().reactive().ai().runFn("ai:k", () -> Mono.fromCallable(() -> {
			started.countDown();
			finish.await(10, java.util.concurrent.TimeUnit.SECONDS);
			return Map.of("charged", effects.incrementAndGet());
		}), OPTIONS).subscribe();
		assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		// the client disconnects: the subscriber goes away while the work runs
		subscription.dispose();
		finish.countDown();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (bodies("/v1/ai/complete").isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(effects).hasValue(1);
		assertThat(bodies("/v1/ai/complete"))
			.containsExactly(Map.of("key", "ai:k", "lease_id", "l1", "result", Map.of("charged", 1)));
		server.verify(0, postRequestedFor(urlEqualTo("/v1/ai/cancel")));
		server.verify(0, postRequestedFor(urlEqualTo("/v1/ai/fail")));
	}

}
