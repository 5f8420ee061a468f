package tech.onceonly.spring.observation;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import tech.onceonly.client.AgentLogItem;
import tech.onceonly.client.AgentMetrics;
import tech.onceonly.client.AgentStatus;
import tech.onceonly.client.ReactiveOnceOnlyGov;
import tech.onceonly.client.Policy;

/** The observed {@code Mono} governance API of an {@link ObservedOnceOnly}. */
final class ObservedReactiveGov implements ReactiveOnceOnlyGov {

	private final ClientObserver observer;

	private final Supplier<ReactiveOnceOnlyGov> target;

	ObservedReactiveGov(ClientObserver observer, Supplier<ReactiveOnceOnlyGov> target) {
		this.observer = observer;
		this.target = target;
	}

	private ReactiveOnceOnlyGov target() {
		return this.target.get();
	}

	@Override
	public Mono<Policy> upsertPolicy(String agentId, Map<String, ?> policy) {
		return this.observer.observeMono("policy", () -> target().upsertPolicy(agentId, policy),
				ClientObserver.success());
	}

	@Override
	public Mono<Policy> policyFromTemplate(String agentId, String template, @Nullable Map<String, ?> overrides) {
		return this.observer.observeMono("policy", () -> target().policyFromTemplate(agentId, template, overrides),
				ClientObserver.success());
	}

	@Override
	public Mono<List<Policy>> listPolicies() {
		return this.observer.observeMono("policy", () -> target().listPolicies(), ClientObserver.success());
	}

	@Override
	public Mono<Policy> getPolicy(String agentId) {
		return this.observer.observeMono("policy", () -> target().getPolicy(agentId), ClientObserver.success());
	}

	@Override
	public Mono<AgentStatus> disableAgent(String agentId, @Nullable String reason) {
		return this.observer.observeMono("agent", () -> target().disableAgent(agentId, reason),
				ClientObserver.success());
	}

	@Override
	public Mono<AgentStatus> enableAgent(String agentId, @Nullable String reason) {
		return this.observer.observeMono("agent", () -> target().enableAgent(agentId, reason),
				ClientObserver.success());
	}

	@Override
	public Mono<List<AgentLogItem>> agentLogs(String agentId, int limit) {
		return this.observer.observeMono("logs", () -> target().agentLogs(agentId, limit), ClientObserver.success());
	}

	@Override
	public Mono<AgentMetrics> agentMetrics(String agentId, String period) {
		return this.observer.observeMono("agent_metrics", () -> target().agentMetrics(agentId, period),
				ClientObserver.success());
	}

	@Override
	public Mono<Map<String, Object>> createTool(Map<String, ?> tool) {
		return this.observer.observeMono("tools", () -> target().createTool(tool), ClientObserver.success());
	}

	@Override
	public Mono<List<Map<String, Object>>> listTools(String scopeId) {
		return this.observer.observeMono("tools", () -> target().listTools(scopeId), ClientObserver.success());
	}

	@Override
	public Mono<Map<String, Object>> getTool(String name, String scopeId) {
		return this.observer.observeMono("tools", () -> target().getTool(name, scopeId), ClientObserver.success());
	}

	@Override
	public Mono<Map<String, Object>> toggleTool(String name, boolean enabled, String scopeId) {
		return this.observer.observeMono("tools", () -> target().toggleTool(name, enabled, scopeId),
				ClientObserver.success());
	}

	@Override
	public Mono<Map<String, Object>> deleteTool(String name, String scopeId) {
		return this.observer.observeMono("tools", () -> target().deleteTool(name, scopeId), ClientObserver.success());
	}

}
