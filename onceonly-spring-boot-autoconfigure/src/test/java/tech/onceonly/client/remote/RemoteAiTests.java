package tech.onceonly.client.remote;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.AiRun;
import tech.onceonly.client.AiRunOutcome;
import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.ApiException;
import tech.onceonly.client.LeaseChange;
import tech.onceonly.client.LeaseStatus;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OnceOnlyException;
import tech.onceonly.client.OverLimitException;
import tech.onceonly.client.RateLimitException;
import tech.onceonly.client.StaleLeaseException;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.client.UnauthorizedException;
import tech.onceonly.client.WaitOptions;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Leases, keyed runs, tool calls, {@code wait} and {@code runAndWait}: the Python
 * {@code test_ai_lease.py}, {@code test_ai_run_and_wait.py}, {@code test_ai_run_id.py}
 * and TypeScript {@code ai-run-id.test} cases.
 */
class RemoteAiTests extends RemoteClientTestSupport {

	static final WaitOptions FAST = WaitOptions.defaults()
		.withTimeout(Duration.ofSeconds(1))
		.withPoll(Duration.ZERO, Duration.ZERO);

	@Test
	void leaseAcquiredReturnsTheAnswer() {
		stub(post(urlEqualTo("/v1/ai/lease"))
			.willReturn(json(200, "{\"status\":\"acquired\",\"lease_id\":\"lease_123\"}")));
		AiRun run = client().ai().lease("ai:test:1", Duration.ofSeconds(60), Map.of("agent", "demo"));
		assertThat(run.status()).isEqualTo("acquired");
		assertThat(run.acquired()).isTrue();
		assertThat(run.leaseId()).isEqualTo("lease_123");
		assertThat(body(onlyRequest())).containsEntry("key", "ai:test:1")
			.containsEntry("ttl", 60)
			.containsEntry("metadata", Map.of("agent", "demo"));
	}

	@Test
	void leaseDuplicateReturnsInProgressWithNullLeaseId() {
		stub(post(urlEqualTo("/v1/ai/lease")).willReturn(json(200, "{\"status\":\"in_progress\",\"lease_id\":null}")));
		AiRun run = client().ai().lease("ai:test:1", null, null);
		assertThat(run.status()).isEqualTo("in_progress");
		assertThat(run.leaseId()).isNull();
		assertThat(run.raw()).containsKey("lease_id");
	}

	@ParameterizedTest
	@CsvSource({ "401, tech.onceonly.client.UnauthorizedException", "402, tech.onceonly.client.OverLimitException",
			"429, tech.onceonly.client.RateLimitException", "500, tech.onceonly.client.ApiException" })
	void leaseErrorsRaiseTyped(int status, Class<? extends OnceOnlyException> type) {
		stub(post(urlEqualTo("/v1/ai/lease")).willReturn(json(status, "{\"detail\":{\"error\":\"x\"}}")));
		OnceOnly client = client((s) -> s.failOpen(false));
		assertThatExceptionOfType(type).isThrownBy(() -> client.ai().lease("k", null, null));
	}

	@Test
	void lease403WithBusinessDetailIsApiErrorPerDesign() {
		stub(post(urlEqualTo("/v1/ai/lease")).willReturn(json(403, "{\"detail\":{\"error\":\"x\"}}")));
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> client().ai().lease("k", null, null))
			.isNotInstanceOf(UnauthorizedException.class)
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(403));
	}

	@Test
	void lease403WithAuthDetailIsUnauthorized() {
		stub(post(urlEqualTo("/v1/ai/lease")).willReturn(json(403, "{\"detail\":\"Invalid API key\"}")));
		assertThatExceptionOfType(UnauthorizedException.class).isThrownBy(() -> client().ai().lease("k", null, null));
	}

	@Test
	void staleLeaseIsAStaleLeaseException() {
		stub(post(urlEqualTo("/v1/ai/extend"))
			.willReturn(json(409, "{\"detail\":{\"error\":\"stale_lease\",\"key\":\"k\"}}")));
		assertThatExceptionOfType(StaleLeaseException.class).isThrownBy(() -> client().ai().extend("k", "old", null))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode()).isEqualTo(409);
				assertThat(ex.getErrorCode()).isEqualTo("stale_lease");
			});
	}

	@Test
	void other409IsAPlainApiException() {
		stub(post(urlEqualTo("/v1/ai/complete")).willReturn(json(409, "{\"detail\":{\"error\":\"conflict\"}}")));
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> client().ai().complete("k", "l", null, null))
			.isNotInstanceOf(StaleLeaseException.class)
			.withMessage("conflict");
	}

	@Test
	void runKeyModeInjectsRunIdIntoMetadata() {
		stub(post(urlEqualTo("/v1/ai/run")).willReturn(json(200,
				"{\"ok\":true,\"status\":\"acquired\",\"key\":\"ai:k\",\"lease_id\":\"lease_1\",\"version\":1}")));
		AiRunOutcome outcome = client().ai().run("ai:k", null, Map.of("agent_id", "billing-agent"), "run_123");
		assertThat(outcome).isInstanceOfSatisfying(AiRun.class, (run) -> {
			assertThat(run.leaseId()).isEqualTo("lease_1");
			assertThat(run.version()).isEqualTo(1);
		});
		assertThat(body(onlyRequest())).containsEntry("metadata",
				Map.of("agent_id", "billing-agent", "run_id", "run_123"));
	}

	@Test
	void runToolModeInjectsRunIdIntoArgs() {
		stub(post(urlEqualTo("/v1/ai/run")).willReturn(
				json(200, "{\"ok\":true,\"allowed\":true,\"decision\":\"executed\",\"result\":{\"ok\":true}}")));
		AiToolResult result = client().ai()
			.runTool(ToolCallRequest.of("billing-agent", "stripe.charge", Map.of("amount", 9999))
				.withRunId("run_tool_1"));
		assertThat(result.allowed()).isTrue();
		assertThat(result.decision()).isEqualTo("executed");
		assertThat(result.result()).containsEntry("ok", true);
		assertThat(body(onlyRequest())).containsEntry("args", Map.of("amount", 9999, "run_id", "run_tool_1"));
	}

	@Test
	void runKeyModeAnswerWithDecisionIsAToolResult() {
		stub(post(urlEqualTo("/v1/ai/run")).willReturn(json(200, "{\"decision\":\"blocked\"}")));
		assertThat(client().ai().run("k", null, null, null)).isInstanceOf(AiToolResult.class);
	}

	@Test
	void blankRunIdIsRejectedBeforeAnyRequest() {
		OnceOnly client = client();
		assertThatIllegalArgumentException().isThrownBy(() -> client.ai().run("ai:k", null, null, "   "))
			.withMessage("run_id must not be empty");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> client.ai().runTool(ToolCallRequest.of("a", "t", null).withRunId(" ")))
			.withMessage("run_id must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> client.ai().run(" ", null, null, null))
			.withMessage("ai.run requires key=... OR agent_id=... and tool=...");
		assertThatIllegalArgumentException().isThrownBy(() -> client.ai().runTool(ToolCallRequest.of("a", "", null)))
			.withMessage("ai.run requires key=... OR agent_id=... and tool=...");
		assertThat(requests()).isEmpty();
	}

	@Test
	void reactiveRunKeepsMetadataAndAddsRunId() {
		stub(post(urlEqualTo("/v1/ai/run")).willReturn(json(200, "{\"ok\":true,\"status\":\"acquired\"}")));
		AiRunOutcome outcome = client().reactive().ai().run("ai:k", null, Map.of("a", "b"), "run_async_1").block();
		assertThat(outcome).isInstanceOf(AiRun.class);
		assertThat(body(onlyRequest())).containsEntry("metadata", Map.of("a", "b", "run_id", "run_async_1"));
	}

	@Test
	void reactiveBlankRunIdFailsTheMonoWithoutARequest() {
		var mono = client().reactive().ai().run("ai:k", null, null, "   ");
		assertThatIllegalArgumentException().isThrownBy(mono::block).withMessage("run_id must not be empty");
		assertThat(requests()).isEmpty();
	}

	@Test
	void waitPollsUntilTerminal() {
		sequence(() -> get(urlPathEqualTo("/v1/ai/status")),
				json(200, "{\"status\":\"in_progress\",\"retry_after_sec\":0}"),
				json(200, "{\"status\":\"in_progress\",\"retry_after_sec\":0}"),
				json(200, "{\"status\":\"completed\",\"retry_after_sec\":0}"));
		stub(get(urlPathEqualTo("/v1/ai/result"))
			.willReturn(json(200, "{\"ok\":true,\"status\":\"completed\",\"result\":{\"ok\":true}}")));
		AiResult result = client().ai().waitFor("ai:k", FAST);
		assertThat(result.status()).isEqualTo("completed");
		assertThat(result.ok()).isTrue();
		assertThat(result.isCompleted()).isTrue();
		server.verify(3, getRequestedFor(urlEqualTo("/v1/ai/status?key=ai%3Ak")));
		server.verify(1, getRequestedFor(urlEqualTo("/v1/ai/result?key=ai%3Ak")));
	}

	@Test
	void waitTimesOutWithASyntheticFailedResult() {
		stub(get(urlPathEqualTo("/v1/ai/status")).willReturn(json(200, "{\"status\":\"in_progress\"}")));
		AiResult result = client().ai()
			.waitFor("ai:k",
					FAST.withTimeout(Duration.ofMillis(150)).withPoll(Duration.ofMillis(30), Duration.ofMillis(30)));
		assertThat(result.status()).isEqualTo("failed");
		assertThat(result.errorCode()).isEqualTo("timeout");
		assertThat(result.ok()).isFalse();
		server.verify(0, getRequestedFor(urlPathEqualTo("/v1/ai/result")));
	}

	@Test
	void waitWithZeroTimeoutStillReadsTheStatusOnce() {
		stub(get(urlPathEqualTo("/v1/ai/status")).willReturn(json(200, "{\"status\":\"in_progress\"}")));
		AiResult result = client().ai().waitFor("k", FAST.withTimeout(Duration.ZERO));
		assertThat(result.errorCode()).isEqualTo("timeout");
		server.verify(1, getRequestedFor(urlPathEqualTo("/v1/ai/status")));
	}

	@Test
	void waitSleepsTheServerHintClampedToPollMax() {
		stub(get(urlPathEqualTo("/v1/ai/status"))
			.willReturn(json(200, "{\"status\":\"in_progress\",\"retry_after_sec\":30}")));
		long start = System.nanoTime();
		AiResult result = client().ai()
			.waitFor("k", FAST.withTimeout(Duration.ofMillis(100)).withPoll(Duration.ZERO, Duration.ofMillis(150)));
		assertThat(result.errorCode()).isEqualTo("timeout");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(140),
				Duration.ofMillis(1500));
		server.verify(2, getRequestedFor(urlPathEqualTo("/v1/ai/status")));
	}

	@Test
	void waitExtendsTheLeaseAtOnceAndIgnoresExtendErrors() {
		sequence(() -> get(urlPathEqualTo("/v1/ai/status")), json(200, "{\"status\":\"in_progress\"}"),
				json(200, "{\"status\":\"failed\"}"));
		stub(post(urlEqualTo("/v1/ai/extend")).willReturn(json(500, "{\"detail\":\"boom\"}")));
		stub(get(urlPathEqualTo("/v1/ai/result"))
			.willReturn(json(200, "{\"status\":\"failed\",\"error_code\":\"x\"}")));
		AiResult result = client().ai().waitFor("k", FAST.withLease("l1", Duration.ofSeconds(30)));
		assertThat(result.isFailed()).isTrue();
		assertThat(result.errorCode()).isEqualTo("x");
		server.verify(1, postRequestedFor(urlEqualTo("/v1/ai/extend")));
		assertThat(body(server.findAll(postRequestedFor(urlEqualTo("/v1/ai/extend"))).get(0)))
			.isEqualTo(Map.of("key", "k", "lease_id", "l1", "ttl", 30));
	}

	@Test
	void waitRaisesStatusErrors() {
		stub(get(urlPathEqualTo("/v1/ai/status")).willReturn(json(429, "{\"detail\":\"slow\"}")));
		assertThatExceptionOfType(RateLimitException.class).isThrownBy(() -> client().ai().waitFor("k", FAST));
	}

	@Test
	void leaseChangesAreTypedAndKeepTheAnswerAsRaw() {
		stub(post(urlEqualTo("/v1/ai/extend")).willReturn(json(200,
				"{\"ok\":true,\"status\":\"extended\",\"key\":\"k\",\"ttl\":60,\"version\":3,\"extra\":\"x\"}")));
		stub(post(urlEqualTo("/v1/ai/fail")).willReturn(json(200,
				"{\"ok\":true,\"status\":\"FAILED\",\"key\":\"k\",\"done_at\":\"2026-01-01T00:00:00Z\",\"error_code\":\"declined\"}")));
		LeaseChange extended = client().ai().extend("k", "l1", Duration.ofSeconds(60));
		assertThat(extended.leaseStatus()).isEqualTo(LeaseStatus.EXTENDED);
		assertThat(extended.ttl()).isEqualTo(60L);
		assertThat(extended.version()).isEqualTo(3L);
		assertThat(extended.raw()).containsEntry("extra", "x");
		LeaseChange failed = client().reactive().ai().fail("k", "l1", "declined", null).block();
		assertThat(failed).isNotNull();
		assertThat(failed.leaseStatus()).isEqualTo(LeaseStatus.FAILED);
		assertThat(failed.status()).isEqualTo("FAILED");
		assertThat(failed.errorCode()).isEqualTo("declined");
	}

	@Test
	void runAndWaitCallsRunThenWaitWithTheRunLease() {
		stub(post(urlEqualTo("/v1/ai/run")).willReturn(json(200, "{\"status\":\"acquired\",\"lease_id\":\"l9\"}")));
		stub(post(urlEqualTo("/v1/ai/extend")).willReturn(json(200, "{\"ok\":true}")));
		stub(get(urlPathEqualTo("/v1/ai/status")).willReturn(json(200, "{\"status\":\"completed\"}")));
		stub(get(urlPathEqualTo("/v1/ai/result")).willReturn(json(200, "{\"ok\":true,\"status\":\"completed\"}")));
		AiResult result = client().ai().runAndWait("ai:k", Duration.ofSeconds(10), Map.of("a", "b"), null, FAST);
		assertThat(result.status()).isEqualTo("completed");
		server.verify(1, postRequestedFor(urlEqualTo("/v1/ai/run")));
		server.verify(1, getRequestedFor(urlPathEqualTo("/v1/ai/status")));
		server.verify(1, getRequestedFor(urlPathEqualTo("/v1/ai/result")));
		server.verify(0, postRequestedFor(urlEqualTo("/v1/ai/extend")));
	}

	@Test
	void runAndWaitHeartbeatsTheRunLeaseWhileWaiting() {
		stub(post(urlEqualTo("/v1/ai/run")).willReturn(json(200, "{\"status\":\"acquired\",\"lease_id\":\"l9\"}")));
		stub(post(urlEqualTo("/v1/ai/extend")).willReturn(json(200, "{\"ok\":true}")));
		sequence(() -> get(urlPathEqualTo("/v1/ai/status")), json(200, "{\"status\":\"in_progress\"}"),
				json(200, "{\"status\":\"completed\"}"));
		stub(get(urlPathEqualTo("/v1/ai/result")).willReturn(json(200, "{\"ok\":true,\"status\":\"completed\"}")));
		AiResult result = client().reactive()
			.ai()
			.runAndWait("ai:k", Duration.ofSeconds(10), null, "run_7", FAST)
			.block();
		assertThat(result).isNotNull();
		assertThat(result.isCompleted()).isTrue();
		List<Map<String, Object>> extendBodies = server.findAll(postRequestedFor(urlEqualTo("/v1/ai/extend")))
			.stream()
			.map(RemoteClientTestSupport::body)
			.toList();
		assertThat(extendBodies).containsExactly(Map.of("key", "ai:k", "lease_id", "l9", "ttl", 10));
	}

	@Test
	void statusAndResultMapTheSdkCoercions() {
		stub(get(urlPathEqualTo("/v1/ai/status")).willReturn(json(200,
				"{\"ok\":true,\"status\":\"in_progress\",\"key\":\"k\",\"ttl_left\":1500,\"lease_id\":\"x\",\"version\":1,\"done_at\":null,\"retry_after_sec\":5}")));
		stub(get(urlPathEqualTo("/v1/ai/result")).willReturn(json(200, "{\"status\":\"completed\",\"result\":[1]}")));
		OnceOnly client = client();
		var status = client.ai().status("k");
		assertThat(status.ttlLeft()).isEqualTo(1500);
		assertThat(status.retryAfterSec()).isEqualTo(5);
		assertThat(status.isTerminal()).isFalse();
		AiResult result = client.ai().result("k");
		assertThat(result.ok()).isFalse();
		assertThat(result.key()).isEmpty();
		assertThat(result.result()).isNull();
	}

	@Test
	void unknownResultKeyIs404ApiException() {
		stub(get(urlPathEqualTo("/v1/ai/result")).willReturn(json(404, "{\"detail\":{\"error\":\"not_found\"}}")));
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> client().ai().result("nope"))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(404));
	}

	@Test
	void overLimitToolCallIsAnOverLimitException() {
		stub(post(urlEqualTo("/v1/ai/run"))
			.willReturn(json(402, "{\"detail\":{\"error\":\"Daily spend limit exceeded\"}}")));
		assertThatExceptionOfType(OverLimitException.class)
			.isThrownBy(() -> client().ai().runTool(ToolCallRequest.of("a", "t", null)));
	}

	@Test
	void blockedToolCallIsAnAnswerNotAnError() {
		stub(any(anyUrl()).willReturn(json(200,
				"{\"ok\":true,\"allowed\":false,\"decision\":\"blocked\",\"policy_reason\":\"max_spend_usd_per_day_exceeded\"}")));
		AiToolResult result = client().ai().runTool(ToolCallRequest.of("a", "t", null));
		assertThat(result.allowed()).isFalse();
		assertThat(result.policyReason()).isEqualTo("max_spend_usd_per_day_exceeded");
	}

}
