package tech.onceonly.server.reliability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import tech.onceonly.server.ApiClient;
import tech.onceonly.server.ServerTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two tenants on one store, walked over every {@code /v1} route found in the MVC mappings
 * (a new route fails this test until the walk covers it): tenant A creates data of every
 * kind — a lock, a lease in progress, a completed result, policies, a disabled agent,
 * audit logs, a registered tool with a secret, run events, notification settings; tenant
 * B then sends every route aimed at A's keys, agent ids, tool name, run id and A's lease
 * ids. No answer to B holds any of A's values, and every one of A's reads answers the
 * same before and after B's walk; A's kill switch, tool and lease still act as A left
 * them.
 */
@ServerTest
class TenantRouteWalkTests {

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	private List<String> routes() {
		List<String> routes = new ArrayList<>();
		for (RequestMappingInfo info : this.mappings.getHandlerMethods().keySet()) {
			for (String pattern : info.getPatternValues()) {
				if (pattern.startsWith("/v1/") && !pattern.startsWith("/v1/test-")) {
					info.getMethodsCondition().getMethods().forEach((m) -> routes.add(m.name() + " " + pattern));
				}
			}
		}
		return routes;
	}

	@Test
	void noTenantShouldReadOrChangeAnotherTenantsDataOnAnyRoute() {
		ApiClient a = new ApiClient(this.port, "test-key-tenant-a");
		ApiClient b = new ApiClient(this.port, "test-key-tenant-b");
		String id = UUID.randomUUID().toString().substring(0, 8);
		String lockKey = "walk:lock:" + id;
		String leaseKey = "walk:lease:" + id;
		String doneKey = "walk:done:" + id;
		String agent = "walk-agent-" + id;
		String disabledAgent = "walk-off-" + id;
		String tool = "walk_tool_" + id;
		String runId = "walk-run-" + id;
		// values only tenant A ever sends: none may appear in an answer to B
		String resultMarker = "a-result-" + id;
		String reasonMarker = "a-reason-" + id;
		String eventMarker = "a-event-" + id;
		String blockedMarker = "a-blocked-" + id;
		String toolPath = "/a-tool-" + id;
		String toolSecret = "a-tool-secret-" + id;

		// ---- tenant A's data
		assertThat(a.post("/v1/check-lock", Map.of("key", lockKey)).json()).containsEntry("status", "locked");
		String heldLease = (String) a.post("/v1/ai/lease", Map.of("key", leaseKey, "ttl", 300)).json().get("lease_id");
		String doneLease = (String) a.post("/v1/ai/lease", Map.of("key", doneKey, "ttl", 300)).json().get("lease_id");
		assertThat(a
			.post("/v1/ai/complete", Map.of("key", doneKey, "lease_id", doneLease, "result", Map.of("v", resultMarker)))
			.status()).isEqualTo(200);
		assertThat(a.post("/v1/policies/" + agent, Map.of("blocked_tools", List.of(blockedMarker))).status())
			.isEqualTo(200);
		assertThat(a.post("/v1/agents/" + disabledAgent + "/disable", Map.of("reason", reasonMarker)).status())
			.isEqualTo(200);
		assertThat(a.post("/v1/tools", Map.of("name", tool, "url", "http://10.9.1.2" + toolPath, "auth",
				Map.of("type", "hmac_sha256", "secret", toolSecret)))
			.status()).isEqualTo(200);
		assertThat(
				a.post("/v1/ai/run", Map.of("agent_id", agent, "tool", blockedMarker, "args", Map.of("m", id))).json())
			.containsEntry("policy_reason", "tool_explicitly_blocked");
		assertThat(a.post("/v1/events", Map.of("run_id", runId, "type", "sdk_debug", "message", eventMarker)).status())
			.isEqualTo(200);
		assertThat(a.post("/v1/me/notifications", Map.of("email_notifications_enabled", false)).status())
			.isEqualTo(200);
		ApiClient.Answer claimed = a.post("/v1/ext/tool-decisions",
				Map.of("agent_id", agent, "tool", "walk_in_process", "args", Map.of("m", id)));
		assertThat(claimed.json()).as(claimed.text()).containsEntry("decision", "allowed");
		String claimId = (String) claimed.json().get("claim_id");
		List<String> markers = List.of(resultMarker, reasonMarker, eventMarker, blockedMarker, toolPath, toolSecret,
				heldLease, doneLease);

		Map<String, Object> before = snapshot(a, agent, disabledAgent, tool, runId, leaseKey, doneKey);

		// ---- tenant B walks every route, aimed at A's data
		Map<String, Function<ApiClient, List<ApiClient.Answer>>> walk = new LinkedHashMap<>();
		walk.put("POST /v1/check-lock", (c) -> List.of(c.post("/v1/check-lock", Map.of("key", lockKey))));
		walk.put("POST /v1/ai/lease", (c) -> List.of(c.post("/v1/ai/lease", Map.of("key", leaseKey)),
				c.post("/v1/ai/lease", Map.of("key", doneKey))));
		walk.put("POST /v1/ai/extend",
				(c) -> List.of(c.post("/v1/ai/extend", Map.of("key", leaseKey, "lease_id", heldLease, "ttl", 3600))));
		walk.put("POST /v1/ai/complete", (c) -> List.of(c.post("/v1/ai/complete",
				Map.of("key", leaseKey, "lease_id", heldLease, "result", Map.of("v", "from-b")))));
		walk.put("POST /v1/ai/fail", (c) -> List
			.of(c.post("/v1/ai/fail", Map.of("key", leaseKey, "lease_id", heldLease, "error_code", "from_b"))));
		walk.put("POST /v1/ai/cancel",
				(c) -> List.of(c.post("/v1/ai/cancel", Map.of("key", leaseKey, "lease_id", heldLease))));
		walk.put("GET /v1/ai/status",
				(c) -> List.of(c.get("/v1/ai/status?key=" + leaseKey), c.get("/v1/ai/status?key=" + doneKey)));
		walk.put("GET /v1/ai/result",
				(c) -> List.of(c.get("/v1/ai/result?key=" + doneKey), c.get("/v1/ai/result?key=" + leaseKey)));
		walk.put("POST /v1/ai/run",
				(c) -> List.of(c.post("/v1/ai/run", Map.of("agent_id", agent, "tool", tool)),
						c.post("/v1/ai/run", Map.of("agent_id", disabledAgent, "tool", tool)),
						c.post("/v1/ai/run", Map.of("key", doneKey, "ttl", 60))));
		walk.put("POST /v1/policies/{agent_id}",
				(c) -> List.of(c.post("/v1/policies/" + disabledAgent, Map.of("blocked_tools", List.of("x")))));
		walk.put("POST /v1/policies/{agent_id}/from-template",
				(c) -> List.of(c.post("/v1/policies/" + agent + "/from-template", Map.of("template", "strict"))));
		walk.put("GET /v1/policies", (c) -> List.of(c.get("/v1/policies")));
		walk.put("GET /v1/policies/{agent_id}",
				(c) -> List.of(c.get("/v1/policies/" + agent), c.get("/v1/policies/" + disabledAgent)));
		walk.put("POST /v1/agents/{agent_id}/disable",
				(c) -> List.of(c.post("/v1/agents/" + agent + "/disable", Map.of("reason", "from-b"))));
		walk.put("POST /v1/agents/{agent_id}/enable",
				(c) -> List.of(c.post("/v1/agents/" + disabledAgent + "/enable", null)));
		walk.put("GET /v1/agents/{agent_id}/logs", (c) -> List.of(c.get("/v1/agents/" + agent + "/logs")));
		walk.put("GET /v1/agents/{agent_id}/metrics",
				(c) -> List.of(c.get("/v1/agents/" + agent + "/metrics?period=week")));
		walk.put("POST /v1/tools", (c) -> List.of(c.post("/v1/tools",
				Map.of("name", tool + "_b", "url", "http://10.9.1.3/b", "auth", Map.of("type", "none")))));
		walk.put("GET /v1/tools", (c) -> List.of(c.get("/v1/tools")));
		walk.put("GET /v1/tools/{name}", (c) -> List.of(c.get("/v1/tools/" + tool)));
		walk.put("POST /v1/tools/{name}/toggle",
				(c) -> List.of(c.post("/v1/tools/" + tool + "/toggle", Map.of("enabled", false))));
		walk.put("DELETE /v1/tools/{name}", (c) -> List.of(c.delete("/v1/tools/" + tool)));
		walk.put("GET /v1/me", (c) -> List.of(c.get("/v1/me")));
		walk.put("POST /v1/me/notifications",
				(c) -> List.of(c.post("/v1/me/notifications", Map.of("email_notifications_enabled", true))));
		walk.put("GET /v1/usage", (c) -> List.of(c.get("/v1/usage?kind=make"), c.get("/v1/usage?kind=ai")));
		walk.put("GET /v1/usage/all", (c) -> List.of(c.get("/v1/usage/all")));
		walk.put("GET /v1/events", (c) -> List.of(c.get("/v1/events?limit=500")));
		walk.put("POST /v1/events",
				(c) -> List.of(c.post("/v1/events", Map.of("run_id", runId, "type", "sdk_debug", "message", "b"))));
		walk.put("GET /v1/metrics", (c) -> List.of(c.get("/v1/metrics?from_day=2020-01-01&to_day=2030-12-31")));
		walk.put("GET /v1/runs/{run_id}", (c) -> List.of(c.get("/v1/runs/" + runId)));
		walk.put("POST /v1/ext/tool-decisions", (c) -> List.of(c.post("/v1/ext/tool-decisions",
				Map.of("agent_id", disabledAgent, "tool", "walk_in_process", "args", Map.of("m", id)))));
		walk.put("POST /v1/ext/tool-decisions/{claim_id}/outcome",
				(c) -> List.of(c.post("/v1/ext/tool-decisions/" + claimId + "/outcome",
						Map.of("ok", true, "result", Map.of("v", "from-b")))));

		assertThat(new TreeSet<>(walk.keySet())).as("every /v1 route is walked (add a new route to the walk)")
			.isEqualTo(new TreeSet<>(routes()));

		for (Map.Entry<String, Function<ApiClient, List<ApiClient.Answer>>> route : walk.entrySet()) {
			for (ApiClient.Answer answer : route.getValue().apply(b)) {
				assertThat(answer.status()).as("%s: %s", route.getKey(), answer.text()).isLessThan(500);
				for (String marker : markers) {
					assertThat(answer.text()).as("answer to tenant B on %s", route.getKey()).doesNotContain(marker);
				}
			}
		}

		// ---- tenant A's data is as A left it
		assertThat(snapshot(a, agent, disabledAgent, tool, runId, leaseKey, doneKey)).as("tenant A after B's walk")
			.isEqualTo(before);
		assertThat(a.post("/v1/check-lock", Map.of("key", lockKey)).json()).containsEntry("status", "duplicate");
		assertThat(a.post("/v1/ai/run", Map.of("agent_id", disabledAgent, "tool", tool)).json())
			.containsEntry("policy_reason", "agent_disabled");
		assertThat(a.post("/v1/ai/run", Map.of("agent_id", agent, "tool", blockedMarker)).json())
			.containsEntry("policy_reason", "tool_explicitly_blocked");
		ApiClient.Answer completed = a.post("/v1/ai/complete",
				Map.of("key", leaseKey, "lease_id", heldLease, "result", Map.of("v", "from-a")));
		assertThat(completed.status()).as(completed.text()).isEqualTo(200);
		assertThat(a.get("/v1/ai/result?key=" + leaseKey).json()).containsEntry("result", Map.of("v", "from-a"));
		assertThat(a.get("/v1/ai/result?key=" + doneKey).json()).containsEntry("result", Map.of("v", resultMarker));
		ApiClient.Answer recorded = a.post("/v1/ext/tool-decisions/" + claimId + "/outcome",
				Map.of("ok", true, "result", Map.of("v", "from-a")));
		assertThat(recorded.status()).as("A's claim is still A's to settle: %s", recorded.text()).isEqualTo(200);
	}

	/** Everything tenant A can read about its own data. */
	private static Map<String, Object> snapshot(ApiClient a, String agent, String disabledAgent, String tool,
			String runId, String leaseKey, String doneKey) {
		Map<String, Object> state = new LinkedHashMap<>();
		for (String path : List.of("/v1/ai/status?key=" + leaseKey, "/v1/ai/result?key=" + doneKey,
				"/v1/ai/status?key=" + doneKey, "/v1/policies", "/v1/policies/" + agent,
				"/v1/policies/" + disabledAgent, "/v1/agents/" + agent + "/logs",
				"/v1/agents/" + agent + "/metrics?period=week", "/v1/tools", "/v1/tools/" + tool,
				"/v1/events?limit=500", "/v1/runs/" + runId)) {
			ApiClient.Answer answer = a.get(path);
			state.put(path, answer.status() + " " + answer.text());
		}
		// notification settings are answered by the update only
		state.put("notifications",
				a.post("/v1/me/notifications", Map.of("tool_error_notifications_enabled", true)).json());
		return state;
	}

}
