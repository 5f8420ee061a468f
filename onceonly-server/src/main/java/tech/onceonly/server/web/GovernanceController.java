package tech.onceonly.server.web;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.AgentLogItem;
import tech.onceonly.client.OnceOnlyGov;
import tech.onceonly.client.Policy;
import tech.onceonly.server.TenantEngines;
import tech.onceonly.server.auth.Caller;
import tech.onceonly.server.security.ToolUrlGuard;

/**
 * Governance endpoints: policies ({@code /v1/policies}), the kill switch, audit logs and
 * metrics ({@code /v1/agents/{agent_id}/…}) and the tools registry ({@code /v1/tools}),
 * each on the caller's tenant. Registered tool URLs pass the {@link ToolUrlGuard} before
 * they are stored.
 */
@RestController
@RequestMapping("/v1")
public class GovernanceController {

	private final TenantEngines engines;

	private final ToolUrlGuard toolUrlGuard;

	private final JsonBodies bodies;

	/** The controller. */
	public GovernanceController(TenantEngines engines, ToolUrlGuard toolUrlGuard, JsonMapper json) {
		this.engines = engines;
		this.toolUrlGuard = toolUrlGuard;
		this.bodies = new JsonBodies(json);
	}

	private OnceOnlyGov gov(Caller caller) {
		return this.engines.forTenant(caller.tenant()).gov();
	}

	/** Creates or replaces an agent's policy. */
	@PostMapping("/policies/{agent_id}")
	public Map<String, Object> upsertPolicy(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@PathVariable("agent_id") String agentId, @RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.fields(body);
		fields.checkText("", fields.body());
		fields.validate();
		return gov(caller).upsertPolicy(agentId, WireMoney.roundPolicy(fields.body())).raw();
	}

	/** Sets an agent's policy from a template. */
	@PostMapping("/policies/{agent_id}/from-template")
	public Map<String, Object> policyFromTemplate(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@PathVariable("agent_id") String agentId, @RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.fields(body);
		String template = fields.requiredString("template");
		Map<String, Object> overrides = fields.optionalObject("overrides");
		fields.checkText("overrides", overrides);
		fields.validate();
		return gov(caller).policyFromTemplate(agentId, template, WireMoney.roundPolicy(overrides)).raw();
	}

	/** Every policy of the tenant. */
	@GetMapping("/policies")
	public List<Map<String, Object>> listPolicies(@RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
		return gov(caller).listPolicies().stream().map(Policy::raw).toList();
	}

	/** One agent's policy. */
	@GetMapping("/policies/{agent_id}")
	public Map<String, Object> getPolicy(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@PathVariable("agent_id") String agentId) {
		return gov(caller).getPolicy(agentId).raw();
	}

	/** Disables an agent (kill switch). */
	@PostMapping("/agents/{agent_id}/disable")
	public Map<String, Object> disableAgent(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@PathVariable("agent_id") String agentId, @RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.optionalFields(body);
		String reason = fields.optionalString("reason");
		fields.validate();
		return gov(caller).disableAgent(agentId, reason).raw();
	}

	/** Enables an agent again. */
	@PostMapping("/agents/{agent_id}/enable")
	public Map<String, Object> enableAgent(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@PathVariable("agent_id") String agentId, @RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.optionalFields(body);
		String reason = fields.optionalString("reason");
		fields.validate();
		return gov(caller).enableAgent(agentId, reason).raw();
	}

	/** An agent's latest decisions, newest first. */
	@GetMapping("/agents/{agent_id}/logs")
	public List<Map<String, Object>> agentLogs(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@PathVariable("agent_id") String agentId, @RequestParam(name = "limit", defaultValue = "100") int limit) {
		QueryChecks.range("limit", limit, 1, 500);
		return gov(caller).agentLogs(agentId, limit).stream().map(AgentLogItem::raw).toList();
	}

	/** An agent's activity over an hour, day or week. */
	@GetMapping("/agents/{agent_id}/metrics")
	public Map<String, Object> agentMetrics(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@PathVariable("agent_id") String agentId,
			@RequestParam(name = "period", defaultValue = "day") String period) {
		QueryChecks.oneOf("period", period, List.of("hour", "day", "week"));
		return gov(caller).agentMetrics(agentId, period).raw();
	}

	/** Registers or replaces an HTTP tool; its URL must pass the SSRF guard. */
	@PostMapping("/tools")
	public Map<String, Object> createTool(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.fields(body);
		fields.requiredString("name");
		String url = fields.requiredString("url");
		fields.checkText("", fields.body());
		fields.validate();
		this.toolUrlGuard.check(url);
		return gov(caller).createTool(fields.body());
	}

	/** The tools of a scope. */
	@GetMapping("/tools")
	public List<Map<String, Object>> listTools(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestParam(name = "scope_id", defaultValue = "global") String scopeId) {
		return gov(caller).listTools(scopeId);
	}

	/** One tool. */
	@GetMapping("/tools/{name}")
	public Map<String, Object> getTool(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@PathVariable("name") String name,
			@RequestParam(name = "scope_id", defaultValue = "global") String scopeId) {
		return gov(caller).getTool(name, scopeId);
	}

	/** Enables or disables a tool. */
	@PostMapping("/tools/{name}/toggle")
	public Map<String, Object> toggleTool(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@PathVariable("name") String name, @RequestParam(name = "scope_id", defaultValue = "global") String scopeId,
			@RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.fields(body);
		Boolean enabled = fields.requiredBoolean("enabled");
		fields.validate();
		return gov(caller).toggleTool(name, Boolean.TRUE.equals(enabled), scopeId);
	}

	/** Deletes a tool. */
	@DeleteMapping("/tools/{name}")
	public Map<String, Object> deleteTool(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@PathVariable("name") String name,
			@RequestParam(name = "scope_id", defaultValue = "global") String scopeId) {
		return gov(caller).deleteTool(name, scopeId);
	}

}
