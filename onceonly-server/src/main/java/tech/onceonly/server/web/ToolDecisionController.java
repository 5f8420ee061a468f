package tech.onceonly.server.web;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.OutcomeUnknownException;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.engine.governance.GovernanceEngine;
import tech.onceonly.engine.governance.PendingToolCall;
import tech.onceonly.engine.governance.ToolCallOutcome;
import tech.onceonly.engine.governance.ToolDecision;
import tech.onceonly.server.PendingToolCalls;
import tech.onceonly.server.TenantEngines;
import tech.onceonly.server.auth.Caller;
import tech.onceonly.server.limits.UsageKind;
import tech.onceonly.server.limits.UsageCounters;

/**
 * An extension of this server (not part of the hosted OnceOnly API): the governance
 * pipeline for a tool that the caller runs in its own process. {@code POST
 * /v1/ext/tool-decisions} applies the kill switch, the allow and block lists, the limits
 * and budget (reserved atomically) and dedup without running anything, and answers
 * {@code allowed} with a {@code claim_id}, or the final {@code blocked} / {@code dedup}
 * answer of tool-mode {@code /ai/run}. {@code POST
 * /v1/ext/tool-decisions/{claim_id}/outcome} records what the tool did: a result keeps
 * the spend charged and is replayed to identical calls; a failure gives the reservation
 * back and releases the claim, as the local engine does.
 */
@RestController
@RequestMapping("/v1/ext/tool-decisions")
public class ToolDecisionController {

	/** How long a claim is held without an outcome when the request names none. */
	static final Duration DEFAULT_CLAIM_TTL = Duration.ofSeconds(60);

	private final TenantEngines engines;

	private final PendingToolCalls pending;

	private final UsageCounters usage;

	private final JsonBodies bodies;

	/** The controller. */
	public ToolDecisionController(TenantEngines engines, PendingToolCalls pending, UsageCounters usage,
			JsonMapper json) {
		this.engines = engines;
		this.pending = pending;
		this.usage = usage;
		this.bodies = new JsonBodies(json);
	}

	private GovernanceEngine governance(Caller caller) {
		return this.engines.forTenant(caller.tenant()).governance();
	}

	/** Decides an in-process tool call without running it. */
	@PostMapping
	public Map<String, Object> decide(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.fields(body);
		String agentId = fields.requiredString("agent_id");
		String tool = fields.requiredString("tool");
		Map<String, Object> args = fields.optionalObject("args");
		fields.checkText("args", args);
		BigDecimal spend = fields.optionalDecimal("spend_usd");
		spend = (spend != null) ? WireMoney.round(spend) : null;
		String runId = fields.optionalString("run_id");
		String riskLevel = fields.optionalString("risk_level");
		Duration ttl = fields.ttl("claim_ttl", this.engines.settings().maxTtl());
		fields.validate();
		Duration claimTtl = (ttl != null) ? ttl : DEFAULT_CLAIM_TTL;
		this.usage.countRequest(caller.tenant(), UsageKind.AI);
		ToolDecision decision = governance(caller).decide(new ToolCallRequest(agentId, tool, args, spend, runId),
				riskLevel, claimTtl);
		PendingToolCall call = decision.pending();
		if (call == null) {
			return java.util.Objects.requireNonNull(decision.answer()).result().raw();
		}
		String claimId = this.pending.add(caller.tenant(), call, claimTtl);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("ok", true);
		answer.put("allowed", true);
		answer.put("decision", "allowed");
		answer.put("policy_reason", "claimed");
		answer.put("risk_level", call.riskLevel());
		answer.put("agent_id", call.agentId());
		answer.put("tool", call.tool());
		answer.put("claim_id", claimId);
		answer.put("claim_ttl", claimTtl.toSeconds());
		return answer;
	}

	/**
	 * Records a decided call's outcome: {@code {"ok": true, "result": …}} or
	 * {@code {"ok": false, "error": "…"}}.
	 */
	@PostMapping("/{claim_id}/outcome")
	public ResponseEntity<Object> outcome(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@PathVariable("claim_id") String claimId, @RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.fields(body);
		Boolean ok = fields.optionalBoolean("ok");
		if (ok == null && !fields.has("ok")) {
			fields.missing("ok");
		}
		Object result = fields.body().get("result");
		String error = fields.optionalString("error");
		if (Boolean.FALSE.equals(ok) && (error == null || error.isBlank())) {
			fields.error("value_error", "error", "a failed outcome needs a non-empty error message", null);
		}
		if (Boolean.TRUE.equals(ok) && fields.has("error")) {
			fields.error("value_error", "error", "provide result for ok=true, error for ok=false, not both", null);
		}
		fields.validate();
		PendingToolCall call = this.pending.take(caller.tenant(), claimId);
		if (call == null) {
			return ResponseEntity.status(404)
				.body(Map.of("detail",
						Map.of("error", "claim_not_found", "message",
								"no pending tool call with this claim id: it was already recorded, it expired, "
										+ "or it belongs to another key's tenant")));
		}
		GovernanceEngine governance = governance(caller);
		ToolCallOutcome outcome;
		try {
			outcome = Boolean.TRUE.equals(ok) ? governance.complete(call, result)
					: governance.fail(call, java.util.Objects.requireNonNull(error));
		}
		catch (OutcomeUnknownException ex) {
			return ResponseEntity.status(409).body(Map.of("detail", ex.detail()));
		}
		return ResponseEntity.ok(outcome.result().raw());
	}

}
