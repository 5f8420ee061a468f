package tech.onceonly.client;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * {@link OnceOnlyGov} with {@code Mono} results; each method means what its blocking twin
 * means.
 */
public interface ReactiveOnceOnlyGov {

	Mono<Policy> upsertPolicy(String agentId, Map<String, ?> policy);

	Mono<Policy> policyFromTemplate(String agentId, String template, @Nullable Map<String, ?> overrides);

	Mono<List<Policy>> listPolicies();

	Mono<Policy> getPolicy(String agentId);

	Mono<AgentStatus> disableAgent(String agentId, @Nullable String reason);

	Mono<AgentStatus> enableAgent(String agentId, @Nullable String reason);

	Mono<List<AgentLogItem>> agentLogs(String agentId, int limit);

	Mono<AgentMetrics> agentMetrics(String agentId, String period);

	Mono<Map<String, Object>> createTool(Map<String, ?> tool);

	Mono<List<Map<String, Object>>> listTools(String scopeId);

	Mono<Map<String, Object>> getTool(String name, String scopeId);

	Mono<Map<String, Object>> toggleTool(String name, boolean enabled, String scopeId);

	Mono<Map<String, Object>> deleteTool(String name, String scopeId);

}
