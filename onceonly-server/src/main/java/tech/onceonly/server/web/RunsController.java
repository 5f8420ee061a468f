package tech.onceonly.server.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.RunEvent;
import tech.onceonly.server.TenantEngines;
import tech.onceonly.server.auth.Caller;

/**
 * Events, daily metrics and run timelines: {@code /v1/events}, {@code /v1/metrics},
 * {@code /v1/runs/{run_id}}.
 */
@RestController
@RequestMapping("/v1")
public class RunsController {

	private static final Set<String> STANDARD = Set.of("run_id", "type", "ts", "status", "duration_ms", "step", "tool",
			"req_id", "lease_id", "agent_id", "message", "data");

	private final TenantEngines engines;

	private final JsonBodies bodies;

	/** The controller. */
	public RunsController(TenantEngines engines, JsonMapper json) {
		this.engines = engines;
		this.bodies = new JsonBodies(json);
	}

	/** Recent events of the tenant, newest first. */
	@GetMapping("/events")
	public Map<String, Object> events(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestParam(name = "limit", defaultValue = "50") int limit,
			@RequestParam(name = "offset", defaultValue = "0") int offset) {
		QueryChecks.range("limit", limit, 1, 500);
		QueryChecks.range("offset", offset, 0, Integer.MAX_VALUE);
		return this.engines.forTenant(caller.tenant()).events(limit, offset);
	}

	/** Adds an event to a run's timeline; unknown top-level fields are kept. */
	@PostMapping("/events")
	public Map<String, Object> postEvent(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.fields(body);
		String runId = fields.requiredString("run_id");
		String type = fields.requiredString("type");
		Long ts = fields.optionalFlooredLong("ts");
		String status = fields.optionalString("status");
		Long durationMs = fields.optionalFlooredLong("duration_ms");
		String step = fields.optionalString("step");
		String tool = fields.optionalString("tool");
		String reqId = fields.optionalString("req_id");
		String leaseId = fields.optionalString("lease_id");
		String agentId = fields.optionalString("agent_id");
		String message = fields.optionalString("message");
		Map<String, Object> data = fields.optionalObject("data");
		Map<String, Object> extra = extra(fields.body());
		fields.checkText("data", data);
		if (extra != null) {
			extra.forEach(fields::checkText);
		}
		fields.validate();
		RunEvent event = new RunEvent(runId, type, ts, status, durationMs, step, tool, reqId, leaseId, agentId, message,
				data, extra);
		return this.engines.forTenant(caller.tenant()).postEvent(event);
	}

	private static @Nullable Map<String, Object> extra(Map<String, Object> body) {
		Map<String, Object> extra = new LinkedHashMap<>();
		body.forEach((name, value) -> {
			if (!STANDARD.contains(name) && value != null) {
				extra.put(name, value);
			}
		});
		return extra.isEmpty() ? null : extra;
	}

	/** Daily metrics between two days ({@code YYYY-MM-DD}). */
	@GetMapping("/metrics")
	public Map<String, Object> metrics(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestParam("from_day") String fromDay, @RequestParam("to_day") String toDay) {
		return this.engines.forTenant(caller.tenant()).metrics(fromDay, toDay);
	}

	/** A run's timeline. */
	@GetMapping("/runs/{run_id}")
	public Map<String, Object> runTimeline(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@PathVariable("run_id") String runId, @RequestParam(name = "limit", defaultValue = "200") int limit,
			@RequestParam(name = "offset", defaultValue = "0") int offset) {
		QueryChecks.range("limit", limit, 1, 2000);
		QueryChecks.range("offset", offset, 0, Integer.MAX_VALUE);
		if (runId.isBlank()) {
			throw new RequestValidationException(List
				.of(ErrorBodies.item("value_error", List.of("path", "run_id"), "run_id must not be empty", runId)));
		}
		return this.engines.forTenant(caller.tenant()).getRunTimeline(runId, limit, offset);
	}

}
