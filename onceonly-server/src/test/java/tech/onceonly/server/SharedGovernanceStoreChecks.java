package tech.onceonly.server;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that two tenants of a server whose governance store is shared (JDBC, Redis)
 * never see or change each other's governance data, even for the same agent id.
 */
final class SharedGovernanceStoreChecks {

	private SharedGovernanceStoreChecks() {
	}

	/**
	 * Runs the checks against the server on {@code port} whose engines are
	 * {@code engines}.
	 */
	@SuppressWarnings("unchecked")
	static void tenantsShouldNotShareGovernanceData(int port, TenantEngines engines, String expectedStoreType) {
		assertThat(engines.governanceStore().type()).isEqualTo(expectedStoreType);
		ApiClient a = new ApiClient(port, "test-key-tenant-a");
		ApiClient b = new ApiClient(port, "test-key-tenant-b");
		String agent = "shared-" + UUID.randomUUID();
		assertThat(a.post("/v1/policies/" + agent, Map.of("blocked_tools", List.of("rm"))).status()).isEqualTo(200);
		a.post("/v1/agents/" + agent + "/disable", Map.of("reason", "a only"));
		assertThat(a.post("/v1/ai/run", Map.of("agent_id", agent, "tool", "rm")).json()).containsEntry("policy_reason",
				"agent_disabled");
		assertThat(b.get("/v1/policies/" + agent).status()).isEqualTo(404);
		assertThat((List<Map<String, Object>>) (List<?>) b.get("/v1/policies").list())
			.noneSatisfy((row) -> assertThat(row).containsEntry("agent_id", agent));
		assertThat(b.post("/v1/ai/run", Map.of("agent_id", agent, "tool", "rm")).status()).isEqualTo(404);
		assertThat(b.post("/v1/agents/" + agent + "/enable", null).json()).containsEntry("is_enabled", true);
		assertThat(a.post("/v1/ai/run", Map.of("agent_id", agent, "tool", "rm")).json()).containsEntry("policy_reason",
				"agent_disabled");
		assertThat(a.get("/v1/agents/" + agent + "/logs").list()).hasSize(2);
		assertThat(b.get("/v1/agents/" + agent + "/logs").list()).isEmpty();
		assertThat(b.get("/v1/agents/" + agent + "/metrics").json()).containsEntry("total_actions", 0);
		String runId = "shared-run-" + UUID.randomUUID();
		a.post("/v1/events", Map.of("run_id", runId, "type", "step"));
		assertThat(a.get("/v1/runs/" + runId).json()).containsEntry("total", 1);
		assertThat(b.get("/v1/runs/" + runId).json()).containsEntry("total", 0);
		assertThat((List<Map<String, Object>>) b.get("/v1/events?limit=500").json().get("data"))
			.noneSatisfy((event) -> assertThat(event).containsEntry("run_id", runId));
		String tool = "t" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(a.post("/v1/tools", Map.of("name", tool, "url", "http://10.9.1.2/x", "auth",
				Map.of("type", "hmac_sha256", "secret", "secret-123")))
			.status()).isEqualTo(200);
		assertThat(b.get("/v1/tools/" + tool).status()).isEqualTo(404);
		assertThat(b.delete("/v1/tools/" + tool).status()).isEqualTo(404);
		assertThat(a.get("/v1/tools/" + tool).status()).isEqualTo(200);
	}

}
