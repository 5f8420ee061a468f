package tech.onceonly.client.remote;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tech.onceonly.client.AgentLogItem;
import tech.onceonly.client.AgentMetrics;
import tech.onceonly.client.AgentStatus;
import tech.onceonly.client.ApiException;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OnceOnlyException;
import tech.onceonly.client.OverLimitException;
import tech.onceonly.client.Policy;
import tech.onceonly.client.UnauthorizedException;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Governance and the tools registry: the Python {@code test_governance.py} and
 * {@code test_tools_registry.py} and TypeScript {@code governance.test} cases, the 403
 * decision of DESIGN §7, list wrappers and agent-log defaults.
 */
class RemoteGovTests extends RemoteClientTestSupport {

	private static void answer(int status, String body) {
		stub(any(anyUrl()).willReturn(json(status, body)));
	}

	@Test
	void upsertPolicyMapsTheNestedPolicy() {
		answer(200,
				"{\"agent_id\":\"billing-agent\",\"policy\":{\"max_actions_per_hour\":200,\"max_spend_usd_per_day\":50,"
						+ "\"allowed_tools\":[\"stripe.charge\"],\"blocked_tools\":[\"delete_user\"],\"max_calls_per_tool\":{\"stripe.charge\":3}}}");
		Policy policy = client().gov()
			.upsertPolicy("billing-agent", Map.of("agent_id", "billing-agent", "max_actions_per_hour", 200));
		assertThat(policy.agentId()).isEqualTo("billing-agent");
		assertThat(policy.maxActionsPerHour()).isEqualTo(200);
		assertThat(policy.maxSpendUsdPerDay()).isEqualByComparingTo("50");
		assertThat(policy.allowedTools()).containsExactly("stripe.charge");
		assertThat(policy.blockedTools()).containsExactly("delete_user");
		assertThat(policy.maxCallsPerTool()).containsEntry("stripe.charge", 3L);
		assertThat(onlyRequest().getUrl()).isEqualTo("/v1/policies/billing-agent");
		assertThat(body(onlyRequest())).containsEntry("agent_id", "billing-agent");
	}

	@Test
	void upsertPolicyTakesTheAgentIdFromThePolicyAndFallsBackToTheRequest() {
		answer(200, "{\"ok\":true}");
		Policy policy = client().gov()
			.upsertPolicy(null, Map.of("agent_id", "from-policy", "max_spend_usd_per_day", new BigDecimal("12.50")));
		assertThat(policy.agentId()).isEqualTo("from-policy");
		assertThat(policy.maxSpendUsdPerDay()).isEqualByComparingTo("12.5");
		assertThat(onlyRequest().getUrl()).isEqualTo("/v1/policies/from-policy");
	}

	@Test
	void upsertPolicyWithoutAgentIdIsRejectedBeforeAnyRequest() {
		assertThatIllegalArgumentException().isThrownBy(() -> client().gov().upsertPolicy(" ", Map.of()))
			.withMessage("upsert_policy requires agent_id");
		assertThat(requests()).isEmpty();
	}

	@Test
	void policyFromTemplateFallsBackToTheTemplateRequest() {
		answer(200, "{}");
		Policy policy = client().gov().policyFromTemplate("a", "strict", Map.of("max_actions_per_hour", 5));
		assertThat(policy.agentId()).isEqualTo("a");
		assertThat(policy.policy()).containsEntry("template", "strict");
		assertThat(body(onlyRequest())).containsEntry("overrides", Map.of("max_actions_per_hour", 5));
	}

	@Test
	void disableAndEnableAgent() {
		OnceOnly client = client();
		answer(200, "{\"agent_id\":\"a\",\"is_enabled\":false,\"disabled_reason\":\"r\"}");
		AgentStatus disabled = client.gov().disableAgent("a", "r");
		answer(200, "{\"agent_id\":\"a\",\"is_enabled\":true}");
		AgentStatus enabled = client.gov().enableAgent("a", null);
		assertThat(disabled.agentId()).isEqualTo("a");
		assertThat(disabled.isEnabled()).isFalse();
		assertThat(disabled.disabledReason()).isEqualTo("r");
		assertThat(enabled.isEnabled()).isTrue();
		server.verify(1, postRequestedFor(urlEqualTo("/v1/agents/a/disable")));
		server.verify(1, postRequestedFor(urlEqualTo("/v1/agents/a/enable")));
	}

	@Test
	void agentStatusFallsBackToEnabledAndThePathId() {
		answer(200, "{\"enabled\":true}");
		AgentStatus status = client().gov().enableAgent("agent-9", null);
		assertThat(status.agentId()).isEqualTo("agent-9");
		assertThat(status.enabled()).isTrue();
	}

	@Test
	void agentMetrics() {
		answer(200, "{\"agent_id\":\"a\",\"period\":\"day\",\"total_actions\":10,\"blocked_actions\":2,"
				+ "\"total_spend_usd\":3.5,\"top_tools\":[{\"tool\":\"send_email\",\"count\":7}]}");
		AgentMetrics metrics = client().gov().agentMetrics("a", "day");
		assertThat(metrics.totalActions()).isEqualTo(10);
		assertThat(metrics.blockedActions()).isEqualTo(2);
		assertThat(metrics.totalSpendUsd()).isEqualByComparingTo("3.5");
		assertThat(metrics.topTools()).containsExactly(new AgentMetrics.ToolCount("send_email", 7));
		assertThat(onlyRequest().getUrl()).isEqualTo("/v1/agents/a/metrics?period=day");
	}

	@Test
	void agentMetricsDefaultsWhenFieldsAreMissing() {
		answer(200, "{}");
		AgentMetrics metrics = client().gov().agentMetrics("a", "hour");
		assertThat(metrics.agentId()).isEqualTo("a");
		assertThat(metrics.period()).isEqualTo("hour");
		assertThat(metrics.totalSpendUsd()).isEqualByComparingTo("0");
		assertThat(metrics.topTools()).isEmpty();
	}

	@Test
	void agentLogsApplyTheSdkDefaults() {
		answer(200, "[{\"tool\":\"t1\"},{\"allowed\":false,\"reason\":\"over budget\",\"spend_usd\":0.1},"
				+ "{\"agent_id\":\"other\",\"decision\":\"dedup\",\"policy_reason\":\"tool_idempotency\"},\"junk\"]");
		List<AgentLogItem> logs = client().gov().agentLogs("a", 100);
		assertThat(logs).hasSize(3);
		assertThat(logs.get(0).allowed()).isTrue();
		assertThat(logs.get(0).decision()).isEqualTo("allowed");
		assertThat(logs.get(0).agentId()).isEqualTo("a");
		assertThat(logs.get(0).reason()).isEmpty();
		assertThat(logs.get(0).policyReason()).isNull();
		assertThat(logs.get(0).spendUsd()).isEqualByComparingTo("0");
		assertThat(logs.get(1).decision()).isEqualTo("blocked");
		assertThat(logs.get(1).policyReason()).isEqualTo("over budget");
		assertThat(logs.get(1).spendUsd()).isEqualByComparingTo("0.1");
		assertThat(logs.get(2).agentId()).isEqualTo("other");
		assertThat(logs.get(2).reason()).isEqualTo("tool_idempotency");
	}

	@Test
	void agentLogsAcceptItemsWrapper() {
		answer(200, "{\"items\":[{\"tool\":\"t1\"}]}");
		assertThat(client().gov().agentLogs("a", 5)).extracting(AgentLogItem::tool).containsExactly("t1");
	}

	@Test
	void listPoliciesAcceptsArrayItemsAndDataWrappers() {
		OnceOnly client = client();
		answer(200, "[{\"agent_id\":\"a\",\"policy\":{\"max_actions_per_hour\":1}}]");
		assertThat(client.gov().listPolicies()).extracting(Policy::agentId).containsExactly("a");
		answer(200, "{\"items\":[{\"agent_id\":\"b\",\"allowed_tools\":[\"x\"]}]}");
		List<Policy> items = client.gov().listPolicies();
		assertThat(items).extracting(Policy::agentId).containsExactly("b");
		assertThat(items.get(0).allowedTools()).containsExactly("x");
		answer(200, "{\"data\":[{\"agent_id\":\"c\"},{\"agent_id\":\"d\"}]}");
		assertThat(client.gov().listPolicies()).extracting(Policy::agentId).containsExactly("c", "d");
		answer(200, "{\"unexpected\":true}");
		assertThat(client.gov().listPolicies()).isEmpty();
	}

	@Test
	void getPolicyReadsTheFlatShape() {
		answer(200, "{\"agent_id\":\"a\",\"max_actions_per_hour\":7}");
		assertThat(client().gov().getPolicy("a").maxActionsPerHour()).isEqualTo(7);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "401|{\"detail\":{\"error\":\"x\"}}|tech.onceonly.client.UnauthorizedException",
					"403|\"Forbidden\"|tech.onceonly.client.UnauthorizedException",
					"403|{\"detail\":\"api key disabled\"}|tech.onceonly.client.UnauthorizedException",
					"403|{\"detail\":{\"error\":\"invalid_api_key\"}}|tech.onceonly.client.UnauthorizedException",
					"403|{\"detail\":{\"message\":\"Invalid API key\"}}|tech.onceonly.client.UnauthorizedException",
					"402|{\"detail\":{\"error\":\"x\"}}|tech.onceonly.client.OverLimitException",
					"500|{\"detail\":{\"error\":\"x\"}}|tech.onceonly.client.ApiException" })
	void upsertPolicyErrorsRaiseTyped(int status, String body, Class<? extends OnceOnlyException> type) {
		answer(status, body);
		assertThatExceptionOfType(type).isThrownBy(() -> client().gov().upsertPolicy("a", Map.of()));
	}

	@Test
	void featureNotAvailable403IsAnApiException() {
		answer(403, "{\"error\":\"feature_not_available\"}");
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> client().gov().upsertPolicy("a", Map.of()))
			.isNotInstanceOf(UnauthorizedException.class)
			.withMessage("feature_not_available")
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode()).isEqualTo(403);
				assertThat(ex.getErrorCode()).isEqualTo("feature_not_available");
			});
	}

	@Test
	void featureNotAvailable403OnOtherEndpointsIsAnApiException() {
		answer(403, "{\"detail\":{\"error\":\"feature_not_available\",\"message\":\"Kill switch needs Agency\"}}");
		OnceOnly client = client();
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> client.gov().disableAgent("a", null))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(403));
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> client.gov().listTools("global"));
		assertThatExceptionOfType(ApiException.class)
			.isThrownBy(() -> client.ai().runTool(tech.onceonly.client.ToolCallRequest.of("a", "t", null)));
	}

	@Test
	void planLimit403IsAnApiException() {
		answer(403, "{\"detail\":{\"error\":\"plan_limit\",\"message\":\"FREE plan limit: max 1 tools\"}}");
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> client().gov().createTool(Map.of("name", "x")))
			.isNotInstanceOf(UnauthorizedException.class)
			.withMessage("plan_limit")
			.satisfies((ex) -> assertThat(ex.getDetail()).containsEntry("message", "FREE plan limit: max 1 tools"));
	}

	@Test
	void pythonStyle403WithOpaqueErrorIsAnApiExceptionPerDesign() {
		answer(403, "{\"detail\":{\"error\":\"x\"}}");
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> client().gov().createTool(Map.of("name", "x")))
			.isNotInstanceOf(UnauthorizedException.class);
	}

	@ParameterizedTest
	@CsvSource({ "401, tech.onceonly.client.UnauthorizedException", "402, tech.onceonly.client.OverLimitException",
			"500, tech.onceonly.client.ApiException" })
	void createToolErrorsRaiseTyped(int status, Class<? extends OnceOnlyException> type) {
		answer(status, "{\"detail\":{\"error\":\"x\"}}");
		assertThatExceptionOfType(type).isThrownBy(() -> client().gov().createTool(Map.of("name", "x")));
	}

	@Test
	void explicitNullsInPoliciesOverridesAndToolsShouldBeSentAsTheSdksSendThem() {
		answer(200, "{}");
		Map<String, Object> lifted = new java.util.LinkedHashMap<>();
		lifted.put("max_spend_usd_per_day", null);
		lifted.put("max_actions_per_hour", 5);
		client().gov().policyFromTemplate("a", "strict", lifted);
		client().gov().upsertPolicy("a", lifted);
		Map<String, Object> tool = new java.util.LinkedHashMap<>();
		tool.put("name", "send_email");
		tool.put("description", null);
		client().gov().createTool(tool);
		assertThat(sentTo("/v1/policies/a/from-template")).contains("\"overrides\":{\"max_spend_usd_per_day\":null,");
		assertThat(sentTo("/v1/policies/a")).contains("\"max_spend_usd_per_day\":null");
		assertThat(sentTo("/v1/tools")).contains("\"description\":null");
	}

	private static String sentTo(String url) {
		return requests().stream()
			.filter((request) -> request.getUrl().equals(url))
			.findFirst()
			.orElseThrow()
			.getBodyAsString();
	}

	@Test
	void createToolReturnsTheAnswer() {
		answer(200, "{\"name\":\"send_email\",\"has_secret\":true}");
		assertThat(client().gov().createTool(Map.of("name", "send_email"))).containsEntry("name", "send_email");
	}

	@Test
	void listToolsAcceptsATopLevelArrayAndDropsNonObjects() {
		answer(200, "[{\"name\":\"a\"},{\"name\":\"b\"},3]");
		List<Map<String, Object>> tools = client().gov().listTools("global");
		assertThat(tools).hasSize(2);
		assertThat(tools.get(0)).containsEntry("name", "a");
	}

	@Test
	void getToggleAndDeleteToolReturnTheAnswers() {
		OnceOnly client = client();
		answer(200, "{\"name\":\"send_email\"}");
		assertThat(client.gov().getTool("send_email", "global")).containsEntry("name", "send_email");
		answer(200, "{\"name\":\"send_email\",\"enabled\":false}");
		assertThat(client.gov().toggleTool("send_email", false, "global")).containsEntry("enabled", false);
		answer(200, "{\"ok\":true,\"deleted\":\"send_email\"}");
		assertThat(client.gov().deleteTool("send_email", "global")).containsEntry("ok", true);
	}

	@Test
	void reactiveListAndToggleTools() {
		OnceOnly client = client();
		answer(200, "{\"items\":[{\"name\":\"a\"},{\"name\":\"b\"}]}");
		assertThat(client.reactive().gov().listTools("global").block()).hasSize(2);
		answer(200, "{\"name\":\"send_email\",\"enabled\":true}");
		assertThat(client.reactive().gov().toggleTool("send_email", true, "global").block()).containsEntry("enabled",
				true);
		assertThat(body(requests().get(1))).isEqualTo(Map.of("enabled", true));
	}

	@Test
	void reactiveUpsertPolicyWithoutAgentIdFailsTheMono() {
		var mono = client().reactive().gov().upsertPolicy("", Map.of());
		assertThatIllegalArgumentException().isThrownBy(mono::block).withMessage("upsert_policy requires agent_id");
	}

	@Test
	void reactiveMetricsAndLogs() {
		OnceOnly client = client();
		answer(200, "{\"total_actions\":3}");
		AgentMetrics metrics = client.reactive().gov().agentMetrics("a", "week").block();
		assertThat(metrics).isNotNull();
		assertThat(metrics.totalActions()).isEqualTo(3);
		answer(200, "{\"data\":[{\"tool\":\"x\",\"allowed\":true}]}");
		assertThat(client.reactive().gov().agentLogs("a", 10).block()).hasSize(1);
		assertThat(requests()).extracting((r) -> r.getUrl())
			.containsExactly("/v1/agents/a/metrics?period=week", "/v1/agents/a/logs?limit=10");
	}

	@Test
	void overLimitDetailIsKept() {
		answer(402, "{\"detail\":{\"error\":\"payment_required\",\"plan\":\"free\",\"upgrade_url\":\"\"}}");
		assertThatExceptionOfType(OverLimitException.class).isThrownBy(() -> client().gov().listPolicies())
			.satisfies((ex) -> assertThat(ex.getDetail()).containsEntry("plan", "free")
				.containsEntry("error", "payment_required"));
	}

}
