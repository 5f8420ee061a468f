package tech.onceonly.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The governance endpoints served from the tenant engines with the wire reference's
 * shapes: policies, the kill switch, logs and metrics, the tools registry, tool mode and
 * key mode of {@code /ai/run}, and run timelines.
 */
@ServerTest
class GovernanceEndpointsTests {

	@LocalServerPort
	int port;

	private ApiClient api;

	private ApiClient other;

	private String agent;

	@BeforeEach
	void setUp() {
		this.api = new ApiClient(this.port, "test-key-tenant-a");
		this.other = new ApiClient(this.port, "test-key-tenant-b");
		this.agent = "agent-" + UUID.randomUUID();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> rows(Object value) {
		return (List<Map<String, Object>>) value;
	}

	@Test
	void policiesShouldBeUpsertedReadAndListedAsAgentIdAndPolicy() {
		ApiClient.Answer upsert = this.api.post("/v1/policies/" + this.agent, Map.of("agent_id", this.agent,
				"max_actions_per_hour", 10, "blocked_tools", List.of("rm"), "unknown_field", 1));
		assertThat(upsert.status()).isEqualTo(200);
		assertThat(upsert.json()).containsEntry("agent_id", this.agent);
		assertThat(map(upsert.json().get("policy"))).containsEntry("max_actions_per_hour", 10)
			.containsEntry("blocked_tools", List.of("rm"))
			.doesNotContainKey("unknown_field");
		ApiClient.Answer one = this.api.get("/v1/policies/" + this.agent);
		assertThat(one.json()).containsEntry("agent_id", this.agent);
		assertThat(map(one.json().get("policy"))).containsEntry("max_actions_per_hour", 10);
		ApiClient.Answer list = this.api.get("/v1/policies");
		assertThat(list.status()).isEqualTo(200);
		assertThat(list.text()).startsWith("[");
		assertThat(rows(list.list())).anySatisfy((row) -> {
			assertThat(row).containsEntry("agent_id", this.agent);
			assertThat(map(row.get("policy"))).containsEntry("blocked_tools", List.of("rm"));
		});
		assertThat(rows(this.other.get("/v1/policies").list()))
			.noneSatisfy((row) -> assertThat(row).containsEntry("agent_id", this.agent));
		ApiClient.Answer missing = this.other.get("/v1/policies/" + this.agent);
		assertThat(missing.status()).isEqualTo(404);
		assertThat(map(missing.detail())).containsEntry("error", "policy_not_found");
	}

	@Test
	void templatesAndInvalidPoliciesShouldAnswerTheDocumentedShapes() {
		ApiClient.Answer strict = this.api.post("/v1/policies/" + this.agent + "/from-template",
				Map.of("agent_id", this.agent, "template", "strict", "overrides", Map.of("max_actions_per_hour", 5)));
		assertThat(strict.status()).isEqualTo(200);
		assertThat(strict.json()).containsEntry("agent_id", this.agent);
		assertThat(map(strict.json().get("policy"))).containsEntry("max_actions_per_hour", 5)
			.containsEntry("max_calls_per_tool", Map.of("*", 10));
		assertThat(this.api.post("/v1/policies/" + this.agent + "/from-template", Map.of("template", "nope")).status())
			.isEqualTo(422);
		assertThat(this.api.post("/v1/policies/" + this.agent, Map.of("max_actions_per_hour", -1)).status())
			.isEqualTo(422);
	}

	@Test
	void killSwitchShouldBlockToolModeRunsWithAgentDisabled() {
		ApiClient.Answer disabled = this.api.post("/v1/agents/" + this.agent + "/disable",
				Map.of("reason", "incident"));
		assertThat(disabled.status()).isEqualTo(200);
		assertThat(disabled.json()).containsEntry("agent_id", this.agent)
			.containsEntry("is_enabled", false)
			.containsEntry("disabled_reason", "incident");
		assertThat((String) disabled.json().get("disabled_at")).isNotBlank();
		ApiClient.Answer run = this.api.post("/v1/ai/run", Map.of("agent_id", this.agent, "tool", "anything"));
		assertThat(run.status()).isEqualTo(200);
		assertThat(run.json()).containsEntry("ok", true)
			.containsEntry("allowed", false)
			.containsEntry("decision", "blocked")
			.containsEntry("policy_reason", "agent_disabled")
			.containsKey("risk_level");
		ApiClient.Answer otherTenant = this.other.post("/v1/ai/run", Map.of("agent_id", this.agent, "tool", "x"));
		assertThat(otherTenant.status()).isEqualTo(404);
		assertThat(map(otherTenant.detail())).containsEntry("error", "tool_not_found");
		ApiClient.Answer enabled = this.api.post("/v1/agents/" + this.agent + "/enable", null);
		assertThat(enabled.json()).containsEntry("is_enabled", true)
			.containsEntry("disabled_reason", null)
			.containsEntry("disabled_at", null);
	}

	@Test
	void logsAndMetricsShouldHaveTheDocumentedFields() {
		this.api.post("/v1/policies/" + this.agent, Map.of("blocked_tools", List.of("rm")));
		this.api.post("/v1/ai/run", Map.of("agent_id", this.agent, "tool", "rm", "args", Map.of("path", "/")));
		this.api.post("/v1/ai/run", Map.of("agent_id", this.agent, "tool", "rm", "spend_usd", 0.5));
		ApiClient.Answer logs = this.api.get("/v1/agents/" + this.agent + "/logs?limit=10");
		assertThat(logs.status()).isEqualTo(200);
		assertThat(logs.text()).startsWith("[");
		assertThat(rows(logs.list())).hasSize(2)
			.allSatisfy((row) -> assertThat(row).containsEntry("agent_id", this.agent)
				.containsEntry("tool", "rm")
				.containsEntry("allowed", false)
				.containsEntry("decision", "blocked")
				.containsEntry("policy_reason", "tool_explicitly_blocked")
				.containsKeys("ts", "risk_level", "args_hash", "spend_usd"));
		assertThat(rows(this.other.get("/v1/agents/" + this.agent + "/logs").list())).isEmpty();
		ApiClient.Answer metrics = this.api.get("/v1/agents/" + this.agent + "/metrics?period=hour");
		assertThat(metrics.json()).containsEntry("agent_id", this.agent)
			.containsEntry("period", "hour")
			.containsEntry("total_actions", 2)
			.containsEntry("blocked_actions", 2)
			.containsKey("total_spend_usd");
		assertThat(rows(metrics.json().get("top_tools"))).containsExactly(Map.of("tool", "rm", "count", 2));
		assertThat(this.api.get("/v1/agents/" + this.agent + "/metrics?period=year").status()).isEqualTo(422);
	}

	@Test
	void toolsRegistryShouldNeverAnswerTheSecretAndBePerTenant() {
		String name = "crm." + UUID.randomUUID().toString().substring(0, 8);
		ApiClient.Answer created = this.api.post("/v1/tools",
				Map.of("name", name, "url", "http://10.9.1.2/crm", "scope_id", "global", "auth",
						Map.of("type", "hmac_sha256", "secret", "s3cret-value"), "description", "CRM"));
		assertThat(created.status()).isEqualTo(200);
		assertThat(created.json()).containsEntry("name", name)
			.containsEntry("scope_id", "global")
			.containsEntry("url", "http://10.9.1.2/crm")
			.containsEntry("enabled", true)
			.containsEntry("has_secret", true)
			.containsEntry("secret_mask", "****ue")
			.containsKey("secret_id")
			.doesNotContainKeys("secret", "auth");
		assertThat(created.text()).doesNotContain("s3cret-value");
		ApiClient.Answer list = this.api.get("/v1/tools?scope_id=global");
		assertThat(list.text()).startsWith("[").doesNotContain("s3cret-value");
		assertThat(rows(list.list())).anySatisfy((tool) -> assertThat(tool).containsEntry("name", name));
		assertThat(rows(this.other.get("/v1/tools").list()))
			.noneSatisfy((tool) -> assertThat(tool).containsEntry("name", name));
		assertThat(this.other.get("/v1/tools/" + name).status()).isEqualTo(404);
		assertThat(this.api.get("/v1/tools/" + name + "?scope_id=global").json()).containsEntry("name", name);
		assertThat(this.api.post("/v1/tools/" + name + "/toggle?scope_id=global", Map.of("enabled", false)).json())
			.containsEntry("name", name)
			.containsEntry("enabled", false);
		assertThat(this.api.delete("/v1/tools/" + name + "?scope_id=global").json()).containsEntry("ok", true)
			.containsEntry("deleted", name);
		ApiClient.Answer gone = this.api.get("/v1/tools/" + name);
		assertThat(gone.status()).isEqualTo(404);
		assertThat(map(gone.detail())).containsEntry("error", "tool_not_found");
	}

	@Test
	void keyModeRunShouldRunItsActionsOnAWorkerAndWriteTheTimeline() throws Exception {
		this.api.post("/v1/policies/" + this.agent, Map.of("blocked_tools", List.of("rm")));
		String key = "run:" + UUID.randomUUID();
		ApiClient.Answer started = this.api.post("/v1/ai/run", Map.of("key", key, "ttl", 60, "metadata",
				Map.of("agent_id", this.agent, "actions", List.of(Map.of("tool", "rm", "args", Map.of("path", "/"))))));
		assertThat(started.status()).isEqualTo(200);
		assertThat(started.json()).containsEntry("status", "acquired")
			.containsEntry("key", key)
			.containsKey("lease_id");
		Map<String, Object> status = awaitTerminal(key);
		assertThat(status).containsEntry("status", "completed");
		Map<String, Object> result = map(this.api.get("/v1/ai/result?key=" + key).json().get("result"));
		assertThat(result).containsEntry("run_id", key)
			.containsEntry("agent_id", this.agent)
			.containsEntry("actions_total", 1)
			.containsEntry("blocked", 1);
		ApiClient.Answer timeline = this.api.get("/v1/runs/" + key);
		assertThat(timeline.json()).containsEntry("run_id", key).containsEntry("total", 4);
		assertThat(rows(timeline.json().get("events"))).extracting((event) -> event.get("type"))
			.containsExactly("run_started", "tool_call", "tool_result", "run_finished");
		assertThat(this.other.get("/v1/runs/" + key).json()).containsEntry("total", 0);
		assertThat(this.other.get("/v1/ai/status?key=" + key).json()).containsEntry("lease_state", "not_found");
	}

	private Map<String, Object> awaitTerminal(String key) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		Map<String, Object> status = Map.of();
		while (System.nanoTime() < deadline) {
			status = this.api.get("/v1/ai/status?key=" + key).json();
			if ("completed".equals(status.get("status")) || "failed".equals(status.get("status"))) {
				return status;
			}
			Thread.sleep(50);
		}
		return status;
	}

	@Test
	void meUsageAndEventsShouldAnswerForTheTenant() {
		assertThat(this.api.get("/v1/me").json()).containsEntry("tenant", "tenant-a").containsKey("plan");
		String runId = "ev-" + UUID.randomUUID();
		assertThat(this.api.post("/v1/events", Map.of("run_id", runId, "type", "sdk_debug")).json())
			.containsEntry("ok", true)
			.containsEntry("run_id", runId);
		assertThat(rows(this.api.get("/v1/events?limit=50").json().get("data")))
			.anySatisfy((event) -> assertThat(event).containsEntry("run_id", runId));
		assertThat(rows(this.other.get("/v1/events?limit=500").json().get("data")))
			.noneSatisfy((event) -> assertThat(event).containsEntry("run_id", runId));
	}

}
