package tech.onceonly.server;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import tech.onceonly.client.AgentLogItem;
import tech.onceonly.client.AgentMetrics;
import tech.onceonly.client.AgentStatus;
import tech.onceonly.client.AiResult;
import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.ApiException;
import tech.onceonly.client.Policy;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.client.WaitOptions;
import tech.onceonly.client.remote.RemoteOnceOnly;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Governance end to end: {@link RemoteOnceOnly} against the server on a random port, with
 * a registered HTTP tool on the loopback address, asserting that the typed answers map
 * correctly over the wire.
 */
@LoopbackToolServerTest
class RemoteGovernanceToServerTests {

	private static WireMockServer tool;

	@LocalServerPort
	int port;

	private RemoteOnceOnly client;

	private String agent;

	private String toolName;

	@BeforeAll
	static void startTool() {
		tool = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
		tool.start();
	}

	@AfterAll
	static void stopTool() {
		tool.stop();
	}

	@BeforeEach
	void setUp() {
		this.client = RemoteToServerContractTests.remoteClient(this.port);
		this.agent = "remote-agent-" + UUID.randomUUID();
		this.toolName = "lookup_" + UUID.randomUUID().toString().substring(0, 8);
		String path = "/tools/" + this.toolName;
		tool.stubFor(post(urlEqualTo(path))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"answer\":42}")));
		Map<String, Object> created = this.client.gov()
			.createTool(Map.of("name", this.toolName, "url", "http://127.0.0.1:" + tool.port() + path, "scope_id",
					"agent:" + this.agent, "max_retries", 0, "auth",
					Map.of("type", "hmac_sha256", "secret", "remote-secret-1")));
		assertThat(created).containsEntry("name", this.toolName)
			.containsEntry("scope_id", "agent:" + this.agent)
			.containsEntry("has_secret", true)
			.doesNotContainKeys("secret", "auth");
	}

	@AfterEach
	void closeClient() {
		this.client.close();
	}

	private AiToolResult call(String name, Map<String, Object> args) {
		return this.client.ai().runTool(ToolCallRequest.of(this.agent, name, args));
	}

	@Test
	void policiesShouldMapToTypedFields() {
		Policy upserted = this.client.gov()
			.upsertPolicy(this.agent,
					Map.of("max_actions_per_hour", 100, "max_spend_usd_per_day", new BigDecimal("5.25"),
							"blocked_tools", List.of("rm"), "max_calls_per_tool", Map.of(this.toolName, 10),
							"pricing_rules", List.of(Map.of("tool", "*", "price_usd", 0.01))));
		assertThat(upserted.agentId()).isEqualTo(this.agent);
		assertThat(upserted.maxActionsPerHour()).isEqualTo(100L);
		assertThat(upserted.maxSpendUsdPerDay()).isEqualByComparingTo("5.25");
		assertThat(upserted.blockedTools()).containsExactly("rm");
		assertThat(upserted.maxCallsPerTool()).containsEntry(this.toolName, 10L);
		assertThat(upserted.pricingRules()).hasSize(1);
		Policy read = this.client.gov().getPolicy(this.agent);
		assertThat(read.agentId()).isEqualTo(this.agent);
		assertThat(read.maxActionsPerHour()).isEqualTo(100L);
		assertThat(read.blockedTools()).containsExactly("rm");
		assertThat(this.client.gov().listPolicies()).filteredOn((policy) -> policy.agentId().equals(this.agent))
			.singleElement()
			.satisfies((policy) -> assertThat(policy.maxSpendUsdPerDay()).isEqualByComparingTo("5.25"));
		Policy template = this.client.gov().policyFromTemplate(this.agent, "support_bot", null);
		assertThat(template.maxActionsPerHour()).isEqualTo(300L);
		assertThat(template.allowedTools()).contains("search_kb");
		assertThatExceptionOfType(ApiException.class)
			.isThrownBy(() -> this.client.gov().getPolicy("no-policy-" + this.agent))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(404));
	}

	@Test
	void governedCallsKillSwitchLogsAndMetricsShouldMapOverTheWire() {
		this.client.gov().upsertPolicy(this.agent, Map.of("blocked_tools", List.of("rm")));

		AiToolResult blocked = call("rm", Map.of());
		assertThat(blocked.ok()).isTrue();
		assertThat(blocked.allowed()).isFalse();
		assertThat(blocked.decision()).isEqualTo("blocked");
		assertThat(blocked.policyReason()).isEqualTo("tool_explicitly_blocked");
		assertThat(blocked.result()).isNull();

		AiToolResult executed = this.client.ai()
			.runTool(ToolCallRequest.of(this.agent, this.toolName, Map.of("q", "x")).withSpend(new BigDecimal("0.25")));
		assertThat(executed.ok()).isTrue();
		assertThat(executed.allowed()).isTrue();
		assertThat(executed.decision()).isEqualTo("executed");
		assertThat(executed.policyReason()).isEqualTo("ok");
		assertThat(executed.riskLevel()).isEqualTo("low");
		assertThat(executed.result()).containsEntry("answer", 42);

		AiToolResult dedup = call(this.toolName, Map.of("q", "x"));
		assertThat(dedup.decision()).isEqualTo("dedup");
		assertThat(dedup.allowed()).isTrue();
		assertThat(dedup.policyReason()).isEqualTo("tool_idempotency");
		assertThat(dedup.result()).containsEntry("answer", 42);
		tool.verify(1, postRequestedFor(urlEqualTo("/tools/" + this.toolName)));

		AgentStatus disabled = this.client.gov().disableAgent(this.agent, "runaway");
		assertThat(disabled.agentId()).isEqualTo(this.agent);
		assertThat(disabled.enabled()).isFalse();
		assertThat(disabled.disabledReason()).isEqualTo("runaway");
		assertThat(disabled.disabledAt()).isNotBlank();
		AiToolResult refused = call(this.toolName, Map.of("q", "y"));
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.policyReason()).isEqualTo("agent_disabled");
		AgentStatus enabled = this.client.gov().enableAgent(this.agent, null);
		assertThat(enabled.enabled()).isTrue();
		assertThat(enabled.disabledReason()).isNull();

		List<AgentLogItem> logs = this.client.gov().agentLogs(this.agent, 10);
		assertThat(logs).extracting(AgentLogItem::policyReason)
			.containsExactly("agent_disabled", "tool_idempotency", "ok", "tool_explicitly_blocked");
		assertThat(logs).extracting(AgentLogItem::decision).containsExactly("blocked", "dedup", "executed", "blocked");
		assertThat(logs).extracting(AgentLogItem::allowed).containsExactly(false, true, true, false);
		assertThat(logs).allSatisfy((item) -> {
			assertThat(item.agentId()).isEqualTo(this.agent);
			assertThat(item.argsHash()).hasSize(64);
			assertThat(item.ts()).isNotNull();
		});
		assertThat(logs.get(2).tool()).isEqualTo(this.toolName);
		assertThat(logs.get(2).riskLevel()).isEqualTo("low");
		assertThat(logs.get(2).spendUsd()).isEqualByComparingTo("0.25");
		assertThat(logs.get(1).spendUsd()).isEqualByComparingTo("0");
		assertThat(this.client.gov().agentLogs(this.agent, 1)).hasSize(1);

		AgentMetrics metrics = this.client.gov().agentMetrics(this.agent, "day");
		assertThat(metrics.agentId()).isEqualTo(this.agent);
		assertThat(metrics.period()).isEqualTo("day");
		assertThat(metrics.totalActions()).isEqualTo(4);
		assertThat(metrics.blockedActions()).isEqualTo(2);
		assertThat(metrics.totalSpendUsd()).isEqualByComparingTo("0.25");
		assertThat(metrics.topTools()).first()
			.satisfies((top) -> assertThat(top).isEqualTo(new AgentMetrics.ToolCount(this.toolName, 3)));
	}

	@Test
	void keyedRunShouldExecuteOnTheServerAndBeAwaited() {
		String key = "remote-run:" + UUID.randomUUID();
		AiResult result = this.client.ai()
			.runAndWait(key, Duration.ofSeconds(60),
					Map.of("agent_id", this.agent, "actions",
							List.of(Map.of("tool", this.toolName, "args", Map.of("q", "run")))),
					"run-" + key, WaitOptions.defaults());
		assertThat(result.status()).isEqualTo("completed");
		assertThat(result.result()).containsEntry("run_id", "run-" + key)
			.containsEntry("executed", 1)
			.containsEntry("actions_run", 1);
		Map<String, Object> timeline = this.client.getRunTimeline("run-" + key, 50, 0);
		assertThat(timeline).containsEntry("run_id", "run-" + key).containsEntry("total", 4);
		assertThat(this.client.events(10, 0)).containsKey("data");
	}

}
