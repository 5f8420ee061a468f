package tech.onceonly.client.remote;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

import tech.onceonly.client.NotificationPreferences;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.RunEvent;
import tech.onceonly.client.ToolCallRequest;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One test per endpoint: method, path, query and the exact JSON body (strict), as the
 * SDKs send them.
 */
class RemoteEndpointsTests extends RemoteClientTestSupport {

	private static void answer(String body) {
		stub(any(anyUrl()).willReturn(json(200, body)));
	}

	private static LoggedRequest expect(String method, String url) {
		LoggedRequest request = onlyRequest();
		assertThat(request.getMethod().getName()).isEqualTo(method);
		assertThat(request.getUrl()).isEqualTo(url);
		return request;
	}

	private static void expect(String method, String url, String strictJson) {
		LoggedRequest request = expect(method, url);
		assertThat(equalToJson(strictJson).match(request.getBodyAsString()).isExactMatch())
			.as("body %s equals %s", request.getBodyAsString(), strictJson)
			.isTrue();
	}

	private static void expectNoBody(String method, String url) {
		assertThat(expect(method, url).getBodyAsString()).isEmpty();
	}

	@Test
	void checkLockSendsKeyTtlAndMetadata() {
		answer("{\"success\":true,\"status\":\"locked\"}");
		client().checkLock("order:1", Duration.ofSeconds(60), Map.of("a", 1), null);
		expect("POST", "/v1/check-lock", "{\"key\":\"order:1\",\"ttl\":60,\"metadata\":{\"a\":1}}");
	}

	@Test
	void checkLockLeavesOutOptionalFields() {
		answer("{\"success\":true,\"status\":\"locked\"}");
		client().checkLock("order:1");
		expect("POST", "/v1/check-lock", "{\"key\":\"order:1\"}");
	}

	@Test
	void aiRunKeyModeSendsKeyTtlAndMetadataWithRunId() {
		answer("{\"ok\":true,\"status\":\"acquired\"}");
		client().ai().run("ai:k", Duration.ofSeconds(10), Map.of("a", "b"), " run_1 ");
		expect("POST", "/v1/ai/run", "{\"key\":\"ai:k\",\"ttl\":10,\"metadata\":{\"a\":\"b\",\"run_id\":\"run_1\"}}");
	}

	@Test
	void aiRunToolModeSendsAgentToolArgsAndSpend() {
		answer("{\"ok\":true,\"allowed\":true,\"decision\":\"executed\"}");
		client().ai()
			.runTool(ToolCallRequest.of("billing-agent", "stripe.charge", Map.of("amount", 9999))
				.withSpend(new BigDecimal("0.25")));
		expect("POST", "/v1/ai/run",
				"{\"agent_id\":\"billing-agent\",\"tool\":\"stripe.charge\",\"args\":{\"amount\":9999},\"spend_usd\":0.25}");
	}

	@Test
	void aiRunToolModeLeavesOutEmptyArgs() {
		answer("{\"ok\":true,\"allowed\":true,\"decision\":\"executed\"}");
		client().ai().runTool(ToolCallRequest.of("a", "t", Map.of()));
		expect("POST", "/v1/ai/run", "{\"agent_id\":\"a\",\"tool\":\"t\"}");
	}

	@Test
	void aiStatusSendsKeyQuery() {
		answer("{\"ok\":true,\"status\":\"in_progress\"}");
		client().ai().status("ai:k 1");
		expectNoBody("GET", "/v1/ai/status?key=ai%3Ak%201");
	}

	@Test
	void aiResultSendsKeyQuery() {
		answer("{\"ok\":true,\"status\":\"completed\"}");
		client().ai().result("ai:k");
		expectNoBody("GET", "/v1/ai/result?key=ai%3Ak");
	}

	@Test
	void aiLeaseSendsKeyTtlAndMetadata() {
		answer("{\"status\":\"acquired\",\"lease_id\":\"l1\"}");
		client().ai().lease("ai:test:1", Duration.ofSeconds(60), Map.of("agent", "demo"));
		expect("POST", "/v1/ai/lease", "{\"key\":\"ai:test:1\",\"ttl\":60,\"metadata\":{\"agent\":\"demo\"}}");
	}

	@Test
	void aiExtendSendsKeyLeaseAndTtl() {
		answer("{\"ok\":true,\"status\":\"extended\"}");
		client().ai().extend("k", "l1", Duration.ofSeconds(1800));
		expect("POST", "/v1/ai/extend", "{\"key\":\"k\",\"lease_id\":\"l1\",\"ttl\":1800}");
	}

	@Test
	void aiCompleteSendsResultAndHash() {
		answer("{\"ok\":true}");
		client().ai().complete("k", "l1", Map.of("id", "ch_1"), "h1");
		expect("POST", "/v1/ai/complete",
				"{\"key\":\"k\",\"lease_id\":\"l1\",\"result_hash\":\"h1\",\"result\":{\"id\":\"ch_1\"}}");
	}

	@Test
	void aiFailSendsErrorCode() {
		answer("{\"ok\":true}");
		client().ai().fail("k", "l1", "fn_error", null);
		expect("POST", "/v1/ai/fail", "{\"key\":\"k\",\"lease_id\":\"l1\",\"error_code\":\"fn_error\"}");
	}

	@Test
	void aiCancelSendsReasonOnlyWhenNotEmpty() {
		answer("{\"ok\":true}");
		client().ai().cancel("k", "l1", "");
		expect("POST", "/v1/ai/cancel", "{\"key\":\"k\",\"lease_id\":\"l1\"}");
	}

	@Test
	void upsertPolicySendsFlatPolicyWithAgentId() {
		answer("{\"agent_id\":\"billing agent\",\"policy\":{}}");
		Map<String, Object> policy = new LinkedHashMap<>();
		policy.put("agent_id", "other");
		policy.put("max_actions_per_hour", 200);
		policy.put("allowed_tools", List.of("stripe.charge"));
		policy.put("blocked_tools", null);
		client().gov().upsertPolicy("billing agent", policy);
		expect("POST", "/v1/policies/billing%20agent",
				"{\"agent_id\":\"billing agent\",\"max_actions_per_hour\":200,\"allowed_tools\":[\"stripe.charge\"],"
						+ "\"blocked_tools\":null}");
	}

	@Test
	void policyFromTemplateSendsTemplateAndEmptyOverrides() {
		answer("{\"agent_id\":\"a\",\"policy\":{}}");
		client().gov().policyFromTemplate("a", "strict", null);
		expect("POST", "/v1/policies/a/from-template", "{\"agent_id\":\"a\",\"template\":\"strict\",\"overrides\":{}}");
	}

	@Test
	void listPoliciesIsAPlainGet() {
		answer("[]");
		client().gov().listPolicies();
		expectNoBody("GET", "/v1/policies");
	}

	@Test
	void getPolicyEncodesTheAgentId() {
		answer("{\"agent_id\":\"agent:1\"}");
		client().gov().getPolicy("agent:1");
		expectNoBody("GET", "/v1/policies/agent%3A1");
	}

	@Test
	void disableAgentSendsReason() {
		answer("{\"agent_id\":\"a\",\"is_enabled\":false}");
		client().gov().disableAgent("a", "runaway");
		expect("POST", "/v1/agents/a/disable", "{\"reason\":\"runaway\"}");
	}

	@Test
	void enableAgentWithoutReasonSendsEmptyObject() {
		answer("{\"agent_id\":\"a\",\"is_enabled\":true}");
		client().gov().enableAgent("a", null);
		expect("POST", "/v1/agents/a/enable", "{}");
	}

	@Test
	void agentLogsSendsLimit() {
		answer("[]");
		client().gov().agentLogs("a/b", 100);
		expectNoBody("GET", "/v1/agents/a%2Fb/logs?limit=100");
	}

	@Test
	void agentMetricsSendsPeriod() {
		answer("{}");
		client().gov().agentMetrics("a", "week");
		expectNoBody("GET", "/v1/agents/a/metrics?period=week");
	}

	@Test
	void createToolSendsTheToolAsGiven() {
		answer("{\"name\":\"send_email\"}");
		client().gov()
			.createTool(Map.of("name", "send_email", "url", "https://example.com/tool", "scope_id", "global", "auth",
					Map.of("type", "hmac_sha256", "secret", "secret12")));
		expect("POST", "/v1/tools",
				"{\"name\":\"send_email\",\"url\":\"https://example.com/tool\",\"scope_id\":\"global\",\"auth\":{\"type\":\"hmac_sha256\",\"secret\":\"secret12\"}}");
	}

	@Test
	void listToolsSendsScope() {
		answer("[]");
		client().gov().listTools("agent:a1");
		expectNoBody("GET", "/v1/tools?scope_id=agent%3Aa1");
	}

	@Test
	void getToolEncodesNameAndDefaultsScope() {
		answer("{\"name\":\"crm:lookup\"}");
		client().gov().getTool("crm:lookup", "");
		expectNoBody("GET", "/v1/tools/crm%3Alookup?scope_id=global");
	}

	@Test
	void toggleToolSendsEnabledInBodyAndScopeInQuery() {
		answer("{\"name\":\"send_email\",\"enabled\":false}");
		client().gov().toggleTool("send_email", false, "global");
		expect("POST", "/v1/tools/send_email/toggle?scope_id=global", "{\"enabled\":false}");
	}

	@Test
	void deleteToolIsADelete() {
		answer("{\"ok\":true,\"deleted\":\"send_email\"}");
		client().gov().deleteTool("send_email", "global");
		expectNoBody("DELETE", "/v1/tools/send_email?scope_id=global");
	}

	@Test
	void meIsAPlainGet() {
		answer("{\"plan\":\"free\"}");
		assertThat(client().me()).containsEntry("plan", "free");
		expectNoBody("GET", "/v1/me");
	}

	@Test
	void updateNotificationsSendsOnlyGivenFlags() {
		answer("{}");
		client().updateNotifications(new NotificationPreferences(true, null, false));
		expect("POST", "/v1/me/notifications",
				"{\"email_notifications_enabled\":true,\"run_failure_notifications_enabled\":false}");
	}

	@Test
	void usageSendsKind() {
		answer("{\"plan\":\"free\"}");
		client().usage("ai");
		expectNoBody("GET", "/v1/usage?kind=ai");
	}

	@Test
	void usageAllIsAPlainGet() {
		answer("{\"plan\":\"free\"}");
		client().usageAll();
		expectNoBody("GET", "/v1/usage/all");
	}

	@Test
	void eventsSendsLimitAndOffset() {
		answer("[]");
		client().events(20, 5);
		expectNoBody("GET", "/v1/events?limit=20&offset=5");
	}

	@Test
	void postEventSendsFieldsAndTopLevelExtra() {
		answer("{\"ok\":true,\"event_id\":1,\"run_id\":\"run_1\"}");
		RunEvent event = new RunEvent("run_1", "tool_result", 1700000000L, "ok", 120L, "s1", "t", "r1", "l1", "a1",
				"done", Map.of("duration", 120), Map.of("extra_field", "x"));
		client().postEvent(event);
		expect("POST", "/v1/events",
				"{\"run_id\":\"run_1\",\"type\":\"tool_result\",\"ts\":1700000000,\"status\":\"ok\",\"duration_ms\":120,"
						+ "\"step\":\"s1\",\"tool\":\"t\",\"req_id\":\"r1\",\"lease_id\":\"l1\",\"agent_id\":\"a1\","
						+ "\"message\":\"done\",\"data\":{\"duration\":120},\"extra_field\":\"x\"}");
	}

	@Test
	void metricsSendsDays() {
		answer("{}");
		client().metrics("2026-01-01", "2026-01-31");
		expectNoBody("GET", "/v1/metrics?from_day=2026-01-01&to_day=2026-01-31");
	}

	@Test
	void getRunTimelineSendsLimitAndOffset() {
		answer("{\"run_id\":\"run_1\"}");
		assertThat(client().getRunTimeline("run_1", 100, 10)).containsEntry("run_id", "run_1");
		expectNoBody("GET", "/v1/runs/run_1?limit=100&offset=10");
	}

	@Test
	void everyRequestCarriesAuthContentTypeUserAgentAndRequestId() {
		answer("{}");
		OnceOnly client = client();
		client.me();
		LoggedRequest request = onlyRequest();
		assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + API_KEY);
		assertThat(request.getHeader("Content-Type")).startsWith("application/json");
		assertThat(request.getHeader("User-Agent")).startsWith("onceonly-java-sdk/");
		assertThat(request.getHeader("X-Request-Id")).matches("[0-9a-f-]{36}");
	}

	@Test
	void userAgentCanBeOverridden() {
		answer("{}");
		client((s) -> s.userAgent("my-app/1.0")).usageAll();
		assertThat(onlyRequest().getHeader("User-Agent")).isEqualTo("my-app/1.0");
	}

	@Test
	void baseUrlWithoutPathGetsV1AndCustomPrefixIsKept() {
		answer("{}");
		client((s) -> s.baseUrl("http://127.0.0.1:" + server.port() + "/")).me();
		client((s) -> s.baseUrl("http://127.0.0.1:" + server.port() + "/custom/api//")).me();
		assertThat(requests()).extracting(LoggedRequest::getUrl).containsExactly("/v1/me", "/custom/api/me");
	}

}
