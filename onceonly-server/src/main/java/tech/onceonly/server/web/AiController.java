package tech.onceonly.server.web;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.AiRun;
import tech.onceonly.client.AiRunOutcome;
import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.LeaseAnswers;
import tech.onceonly.client.LeaseStatus;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.server.TenantEngines;
import tech.onceonly.server.auth.Caller;
import tech.onceonly.server.limits.QuotaExceededException;
import tech.onceonly.server.limits.UsageCounters;
import tech.onceonly.server.limits.UsageKind;

/**
 * The {@code /v1/ai/*} endpoints: leases (lease, extend, complete, fail, cancel, status,
 * result) and {@code /ai/run} in key mode (a keyed run) and tool mode (a governed tool
 * call). Acquired leases and runs count against the {@code ai} quota.
 */
@RestController
@RequestMapping("/v1/ai")
public class AiController {

	private final TenantEngines engines;

	private final UsageCounters usage;

	private final JsonBodies bodies;

	private final LeaseTtls leaseTtls = new LeaseTtls(100_000);

	/** The controller. */
	public AiController(TenantEngines engines, UsageCounters usage, JsonMapper json) {
		this.engines = engines;
		this.usage = usage;
		this.bodies = new JsonBodies(json);
	}

	private Duration maxTtl() {
		return this.engines.settings().maxTtl();
	}

	private OnceOnly engine(Caller caller) {
		return this.engines.forTenant(caller.tenant());
	}

	/** Key mode starts or joins a keyed run; tool mode executes a governed tool call. */
	@PostMapping("/run")
	public Map<String, Object> run(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.fields(body);
		boolean toolMode = fields.has("agent_id") || fields.has("tool");
		if (fields.has("key") && (toolMode || fields.has("args") || fields.has("spend_usd"))) {
			fields.error("value_error", "key", "provide either key=... OR agent_id/tool, not both", null);
			fields.validate();
		}
		if (fields.has("key")) {
			String key = fields.requiredString("key");
			Duration ttl = fields.ttl("ttl", maxTtl());
			Map<String, Object> metadata = fields.optionalObject("metadata");
			fields.validate();
			this.usage.countRequest(caller.tenant(), UsageKind.AI);
			AiRunOutcome outcome = engine(caller).ai().run(key, ttl, metadata, null);
			if (outcome instanceof AiRun run) {
				return charged(caller, key, run, ttl);
			}
			return ((AiToolResult) outcome).raw();
		}
		if (!toolMode) {
			fields.error("value_error", "key", "ai.run requires key=... OR agent_id=... and tool=...", null);
			fields.validate();
		}
		String agentId = fields.requiredString("agent_id");
		String tool = fields.requiredString("tool");
		Map<String, Object> args = fields.optionalObject("args");
		BigDecimal spend = fields.optionalDecimal("spend_usd");
		spend = (spend != null) ? WireMoney.round(spend) : null;
		fields.validate();
		String runId = (args != null && args.get("run_id") instanceof String s && !s.isBlank()) ? s : null;
		return engine(caller).ai().runTool(new ToolCallRequest(agentId, tool, args, spend, runId)).raw();
	}

	/**
	 * The state of a lease or run, in the hosted API's vocabulary (see
	 * {@link WireStatuses}).
	 */
	@GetMapping("/status")
	public Map<String, Object> status(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestParam("key") String key) {
		return WireStatuses.toWire(LeaseAnswers.wire(engine(caller).ai().status(key)));
	}

	/**
	 * The stored outcome of a lease or run, in the hosted API's vocabulary (see
	 * {@link WireStatuses}).
	 */
	@GetMapping("/result")
	public Map<String, Object> result(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestParam("key") String key) {
		return WireStatuses.toWire(LeaseAnswers.wire(engine(caller).ai().result(key)));
	}

	/** Tries to lease a key. */
	@PostMapping("/lease")
	public Map<String, Object> lease(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.fields(body);
		String key = fields.requiredString("key");
		Duration ttl = fields.ttl("ttl", maxTtl());
		Map<String, Object> metadata = fields.optionalObject("metadata");
		fields.validate();
		this.usage.countRequest(caller.tenant(), UsageKind.AI);
		AiRun run = engine(caller).ai().lease(key, ttl, metadata);
		return charged(caller, key, run, ttl);
	}

	/**
	 * Charges an acquired lease or run and answers it with {@code charged}, {@code usage}
	 * and {@code limit} (this month's {@code ai} usage after the request and the plan's
	 * limit, {@code null} when there is none).
	 */
	private Map<String, Object> charged(Caller caller, String key, AiRun run, @Nullable Duration ttl) {
		boolean charged = false;
		if (run.acquired()) {
			try {
				this.usage.chargeAcquired(caller.tenant(), caller.plan(), UsageKind.AI);
				charged = true;
			}
			catch (QuotaExceededException ex) {
				engine(caller).ai().cancel(key, run.leaseId(), "plan limit reached");
				throw ex;
			}
			if (run.leaseId() != null) {
				Duration leaseTtl = (run.ttl() != null) ? Duration.ofSeconds(run.ttl())
						: (ttl != null) ? ttl : this.engines.settings().defaultLeaseTtl();
				this.leaseTtls.remember(caller.tenant(), key, run.leaseId(), leaseTtl);
			}
		}
		else if (run.leaseStatus() == LeaseStatus.POLLING || run.leaseStatus() == LeaseStatus.IN_PROGRESS) {
			this.usage.countPolling(caller.tenant(), UsageKind.AI);
		}
		Map<String, Object> answer = new LinkedHashMap<>(LeaseAnswers.wire(run));
		answer.put("charged", charged ? 1 : 0);
		answer.put("usage", this.usage.used(caller.tenant(), UsageKind.AI));
		answer.put("limit", this.usage.limitOf(caller.plan(), UsageKind.AI));
		return answer;
	}

	/** Extends a held lease. */
	@PostMapping("/extend")
	public Map<String, Object> extend(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.fields(body);
		String key = fields.requiredString("key");
		String leaseId = fields.requiredString("lease_id");
		Duration ttl = fields.ttl("ttl", maxTtl());
		fields.validate();
		Duration own = (ttl != null) ? ttl : this.leaseTtls.ttl(caller.tenant(), key, leaseId);
		Map<String, Object> answer = LeaseAnswers.wire(engine(caller).ai().extend(key, leaseId, own));
		if (own != null) {
			this.leaseTtls.remember(caller.tenant(), key, leaseId, own);
		}
		return answer;
	}

	/** Completes the work of a held lease with its result. */
	@PostMapping("/complete")
	public Map<String, Object> complete(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.fields(body);
		String key = fields.requiredString("key");
		String leaseId = fields.requiredString("lease_id");
		Map<String, Object> result = fields.optionalObject("result");
		String resultHash = fields.optionalString("result_hash");
		fields.validate();
		Map<String, Object> answer = LeaseAnswers.wire(engine(caller).ai().complete(key, leaseId, result, resultHash));
		this.leaseTtls.forget(caller.tenant(), key, leaseId);
		return answer;
	}

	/** Records the work of a held lease as failed. */
	@PostMapping("/fail")
	public Map<String, Object> fail(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.fields(body);
		String key = fields.requiredString("key");
		String leaseId = fields.requiredString("lease_id");
		String errorCode = fields.requiredString("error_code");
		String errorHash = fields.optionalString("error_hash");
		fields.validate();
		Map<String, Object> answer = LeaseAnswers.wire(engine(caller).ai().fail(key, leaseId, errorCode, errorHash));
		this.leaseTtls.forget(caller.tenant(), key, leaseId);
		return answer;
	}

	/** Releases a held lease. */
	@PostMapping("/cancel")
	public Map<String, Object> cancel(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.fields(body);
		String key = fields.requiredString("key");
		String leaseId = fields.requiredString("lease_id");
		String reason = fields.optionalString("reason");
		fields.validate();
		Map<String, Object> answer = LeaseAnswers.wire(engine(caller).ai().cancel(key, leaseId, reason));
		this.leaseTtls.forget(caller.tenant(), key, leaseId);
		return answer;
	}

}
