package tech.onceonly.server.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.server.auth.Caller;
import tech.onceonly.server.limits.UsageCounters;
import tech.onceonly.server.limits.UsageKind;

/**
 * The account endpoints: {@code /v1/me}, {@code /v1/me/notifications}, {@code /v1/usage}
 * and {@code /v1/usage/all}. Notification settings are kept per tenant for SDK
 * compatibility; the server itself sends no notifications.
 */
@RestController
@RequestMapping("/v1")
public class AccountController {

	private static final List<String> FLAGS = List.of("email_notifications_enabled", "tool_error_notifications_enabled",
			"run_failure_notifications_enabled");

	private final UsageCounters usage;

	private final JsonBodies bodies;

	private final ConcurrentMap<String, Map<String, Boolean>> notifications = new ConcurrentHashMap<>();

	/** The controller. */
	public AccountController(UsageCounters usage, JsonMapper json) {
		this.usage = usage;
		this.bodies = new JsonBodies(json);
	}

	private Map<String, Boolean> flags(String tenant) {
		return this.notifications.computeIfAbsent(tenant, (t) -> {
			Map<String, Boolean> defaults = new ConcurrentHashMap<>();
			FLAGS.forEach((flag) -> defaults.put(flag, true));
			return defaults;
		});
	}

	/** The caller's plan, tenant and notification settings. */
	@GetMapping("/me")
	public Map<String, Object> me(@RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("plan", caller.plan());
		answer.put("tenant", caller.tenant());
		Map<String, Boolean> flags = flags(caller.tenant());
		FLAGS.forEach((flag) -> answer.put(flag, flags.get(flag)));
		return answer;
	}

	/** Changes notification settings; answers all three. */
	@PostMapping("/me/notifications")
	public Map<String, Object> updateNotifications(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.fields(body);
		Map<String, Boolean> changes = new LinkedHashMap<>();
		for (String flag : FLAGS) {
			Boolean value = fields.optionalBoolean(flag);
			if (value != null) {
				changes.put(flag, value);
			}
		}
		fields.validate();
		if (changes.isEmpty()) {
			fields.error("value_error", FLAGS.get(0), "Provide at least one preference field", null);
			fields.validate();
		}
		Map<String, Boolean> flags = flags(caller.tenant());
		flags.putAll(changes);
		Map<String, Object> answer = new LinkedHashMap<>();
		FLAGS.forEach((flag) -> answer.put(flag, flags.get(flag)));
		return answer;
	}

	/** This month's usage of one kind. */
	@GetMapping("/usage")
	public Map<String, Object> usage(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestParam(name = "kind", defaultValue = "make") String kind) {
		QueryChecks.oneOf("kind", kind, List.of("make", "ai"));
		return this.usage.usage(caller.tenant(), caller.plan(), UsageKind.fromWire(kind));
	}

	/**
	 * This month's usage of every kind, with {@code X-OnceOnly-Plan} and
	 * {@code X-OnceOnly-Month}.
	 */
	@GetMapping("/usage/all")
	public ResponseEntity<Map<String, Object>> usageAll(@RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
		Map<String, Object> answer = this.usage.usageAll(caller.tenant(), caller.plan());
		return ResponseEntity.ok()
			.header("X-OnceOnly-Plan", caller.plan())
			.header("X-OnceOnly-Month", String.valueOf(answer.get("month")))
			.body(answer);
	}

}
