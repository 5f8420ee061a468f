package tech.onceonly.spring.observation;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.AgentLogItem;
import tech.onceonly.client.AgentMetrics;
import tech.onceonly.client.AgentStatus;
import tech.onceonly.client.OnceOnlyGov;
import tech.onceonly.client.Policy;

/** The observed blocking governance API of an {@link ObservedOnceOnly}. */
final class ObservedGov implements OnceOnlyGov {

	private final ClientObserver observer;

	private final Supplier<OnceOnlyGov> target;

	ObservedGov(ClientObserver observer, Supplier<OnceOnlyGov> target) {
		this.observer = observer;
		this.target = target;
	}

	private OnceOnlyGov target() {
		return this.target.get();
	}

	@Override
	public Policy upsertPolicy(String agentId, Map<String, ?> policy) {
		return this.observer.observe("policy", () -> target().upsertPolicy(agentId, policy), ClientObserver.success());
	}

	@Override
	public Policy policyFromTemplate(String agentId, String template, @Nullable Map<String, ?> overrides) {
		return this.observer.observe("policy", () -> target().policyFromTemplate(agentId, template, overrides),
				ClientObserver.success());
	}

	@Override
	public List<Policy> listPolicies() {
		return this.observer.observe("policy", () -> target().listPolicies(), ClientObserver.success());
	}

	@Override
	public Policy getPolicy(String agentId) {
		return this.observer.observe("policy", () -> target().getPolicy(agentId), ClientObserver.success());
	}

	@Override
	public AgentStatus disableAgent(String agentId, @Nullable String reason) {
		return this.observer.observe("agent", () -> target().disableAgent(agentId, reason), ClientObserver.success());
	}

	@Override
	public AgentStatus enableAgent(String agentId, @Nullable String reason) {
		return this.observer.observe("agent", () -> target().enableAgent(agentId, reason), ClientObserver.success());
	}

	@Override
	public List<AgentLogItem> agentLogs(String agentId, int limit) {
		return this.observer.observe("logs", () -> target().agentLogs(agentId, limit), ClientObserver.success());
	}

	@Override
	public AgentMetrics agentMetrics(String agentId, String period) {
		return this.observer.observe("agent_metrics", () -> target().agentMetrics(agentId, period),
				ClientObserver.success());
	}

	@Override
	public Map<String, Object> createTool(Map<String, ?> tool) {
		return this.observer.observe("tools", () -> target().createTool(tool), ClientObserver.success());
	}

	@Override
	public List<Map<String, Object>> listTools(String scopeId) {
		return this.observer.observe("tools", () -> target().listTools(scopeId), ClientObserver.success());
	}

	@Override
	public Map<String, Object> getTool(String name, String scopeId) {
		return this.observer.observe("tools", () -> target().getTool(name, scopeId), ClientObserver.success());
	}

	@Override
	public Map<String, Object> toggleTool(String name, boolean enabled, String scopeId) {
		return this.observer.observe("tools", () -> target().toggleTool(name, enabled, scopeId),
				ClientObserver.success());
	}

	@Override
	public Map<String, Object> deleteTool(String name, String scopeId) {
		return this.observer.observe("tools", () -> target().deleteTool(name, scopeId), ClientObserver.success());
	}

}
