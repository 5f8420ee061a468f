package tech.onceonly.client.remote;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import reactor.core.publisher.Mono;

import tech.onceonly.client.AgentLogItem;
import tech.onceonly.client.AgentMetrics;
import tech.onceonly.client.AgentStatus;
import tech.onceonly.client.Policy;
import tech.onceonly.client.ReactiveOnceOnlyGov;
import tech.onceonly.client.WireMaps;

/**
 * Governance over HTTP: policies, the kill switch, audit logs, metrics and the tools
 * registry.
 */
final class RemoteGov implements ReactiveOnceOnlyGov {

	private final RemoteHttp http;

	RemoteGov(RemoteHttp http) {
		this.http = http;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The agent id is {@code agentId}, else {@code policy.agent_id}; when both are blank
	 * the {@code Mono} fails with {@link IllegalArgumentException} "upsert_policy
	 * requires agent_id". The body is the policy with {@code agent_id} set to that id;
	 * explicit {@code null} fields are sent as JSON {@code null}, as the SDKs send them.
	 */
	@Override
	public Mono<Policy> upsertPolicy(@Nullable String agentId, Map<String, ?> policy) {
		return Mono.defer(() -> {
			String id = agentId;
			if (id == null || id.isBlank()) {
				Object fromPolicy = policy.get("agent_id");
				id = (fromPolicy != null) ? fromPolicy.toString() : null;
			}
			if (id == null || id.isBlank()) {
				throw new IllegalArgumentException("upsert_policy requires agent_id");
			}
			String resolved = id;
			Map<String, Object> body = new LinkedHashMap<>(policy);
			body.put("agent_id", resolved);
			return this.http.call(HttpMethod.POST, UriEncoding.path("/policies/", resolved), body)
				.map((raw) -> Policy.fromRaw(raw, resolved, body));
		});
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * An explicit {@code null} override is sent as JSON {@code null}: on the hosted API
	 * and {@code onceonly-server} it lifts the template's value of that field.
	 */
	@Override
	public Mono<Policy> policyFromTemplate(String agentId, String template, @Nullable Map<String, ?> overrides) {
		return Mono.defer(() -> {
			Map<String, Object> body = new WireBody().put("agent_id", agentId)
				.put("template", template)
				.put("overrides", (overrides != null) ? new LinkedHashMap<String, Object>(overrides) : Map.of())
				.build();
			return this.http.call(HttpMethod.POST, UriEncoding.path("/policies/", agentId, "/from-template"), body)
				.map((raw) -> Policy.fromRaw(raw, agentId, body));
		});
	}

	@Override
	public Mono<List<Policy>> listPolicies() {
		return this.http.call(HttpMethod.GET, "/policies", null)
			.map((raw) -> WireMaps.rows(raw).stream().map((row) -> Policy.fromRaw(row, null, null)).toList());
	}

	@Override
	public Mono<Policy> getPolicy(String agentId) {
		return Mono.defer(() -> this.http.call(HttpMethod.GET, UriEncoding.path("/policies/", agentId), null)
			.map((raw) -> Policy.fromRaw(raw, agentId, null)));
	}

	@Override
	public Mono<AgentStatus> disableAgent(String agentId, @Nullable String reason) {
		return switchAgent(agentId, "/disable", reason);
	}

	@Override
	public Mono<AgentStatus> enableAgent(String agentId, @Nullable String reason) {
		return switchAgent(agentId, "/enable", reason);
	}

	private Mono<AgentStatus> switchAgent(String agentId, String action, @Nullable String reason) {
		return Mono
			.defer(() -> this.http
				.call(HttpMethod.POST, UriEncoding.path("/agents/", agentId, action),
						new WireBody().putText("reason", reason).build())
				.map((raw) -> AgentStatus.fromRaw(raw, agentId)));
	}

	@Override
	public Mono<List<AgentLogItem>> agentLogs(String agentId, int limit) {
		return Mono.defer(() -> this.http.call(HttpMethod.GET,
				UriEncoding.path("/agents/", agentId, "/logs") + UriEncoding.query(Map.of("limit", "" + limit)), null)
			.map((raw) -> WireMaps.rows(raw).stream().map((row) -> AgentLogItem.fromRaw(row, agentId)).toList()));
	}

	@Override
	public Mono<AgentMetrics> agentMetrics(String agentId, String period) {
		return Mono.defer(
				() -> this.http
					.call(HttpMethod.GET,
							UriEncoding.path("/agents/", agentId, "/metrics")
									+ UriEncoding.query(Map.of("period", period)),
							null)
					.map((raw) -> AgentMetrics.fromRaw(raw, agentId, period)));
	}

	/**
	 * {@inheritDoc} The tool object is sent as given (explicit {@code null} fields
	 * included); the server validates it.
	 */
	@Override
	public Mono<Map<String, Object>> createTool(Map<String, ?> tool) {
		return Mono.defer(() -> this.http.call(HttpMethod.POST, "/tools", new LinkedHashMap<String, Object>(tool)));
	}

	@Override
	public Mono<List<Map<String, Object>>> listTools(String scopeId) {
		return Mono.defer(() -> this.http.call(HttpMethod.GET, "/tools" + scope(scopeId), null).map(WireMaps::rows));
	}

	@Override
	public Mono<Map<String, Object>> getTool(String name, String scopeId) {
		return Mono
			.defer(() -> this.http.call(HttpMethod.GET, UriEncoding.path("/tools/", name) + scope(scopeId), null));
	}

	@Override
	public Mono<Map<String, Object>> toggleTool(String name, boolean enabled, String scopeId) {
		return Mono.defer(() -> this.http.call(HttpMethod.POST,
				UriEncoding.path("/tools/", name, "/toggle") + scope(scopeId), Map.of("enabled", enabled)));
	}

	@Override
	public Mono<Map<String, Object>> deleteTool(String name, String scopeId) {
		return Mono
			.defer(() -> this.http.call(HttpMethod.DELETE, UriEncoding.path("/tools/", name) + scope(scopeId), null));
	}

	private static String scope(@Nullable String scopeId) {
		return UriEncoding.query(Map.of("scope_id", (scopeId == null || scopeId.isBlank()) ? "global" : scopeId));
	}

}
