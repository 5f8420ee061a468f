package tech.onceonly.server.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.CheckLockResult;
import tech.onceonly.server.OnceOnlyServerProperties;
import tech.onceonly.server.TenantEngines;
import tech.onceonly.server.auth.Caller;
import tech.onceonly.server.limits.UsageCounters;
import tech.onceonly.server.limits.UsageKind;

/**
 * {@code POST /v1/check-lock}: locked or duplicate, with {@code X-OnceOnly-Status} and
 * {@code X-Request-Id}; a duplicate is a 200 or, when configured, a 409
 * {@code "Duplicate blocked"}.
 */
@RestController
@RequestMapping("/v1")
public class CheckLockController {

	/** The header naming the outcome: {@code locked} or {@code duplicate}. */
	public static final String STATUS_HEADER = "X-OnceOnly-Status";

	private final TenantEngines engines;

	private final UsageCounters usage;

	private final JsonBodies bodies;

	private final int duplicateStatus;

	/** The controller. */
	public CheckLockController(TenantEngines engines, UsageCounters usage, JsonMapper json,
			OnceOnlyServerProperties properties) {
		this.engines = engines;
		this.usage = usage;
		this.bodies = new JsonBodies(json);
		this.duplicateStatus = properties.getDuplicateStatusCode();
	}

	/** Takes the key if nobody has it. */
	@PostMapping("/check-lock")
	public ResponseEntity<Object> checkLock(@RequestAttribute(Caller.ATTRIBUTE) Caller caller,
			@RequestHeader(name = "X-Request-Id", required = false) @Nullable String requestIdHeader,
			@RequestBody(required = false) byte @Nullable [] body) {
		RequestFields fields = this.bodies.fields(body);
		String key = fields.requiredString("key");
		Duration ttl = fields.ttl("ttl", this.engines.settings().maxTtl());
		Map<String, Object> metadata = fields.optionalObject("metadata");
		fields.validate();
		String requestId = (requestIdHeader != null && !requestIdHeader.isBlank()) ? requestIdHeader
				: UUID.randomUUID().toString();
		this.usage.charge(caller.tenant(), caller.plan(), UsageKind.MAKE);
		CheckLockResult result;
		try {
			result = this.engines.forTenant(caller.tenant()).checkLock(key, ttl, metadata, requestId);
		}
		catch (RuntimeException ex) {
			this.usage.refund(caller.tenant(), UsageKind.MAKE);
			throw ex;
		}
		if (result.duplicate()) {
			this.usage.blockDuplicate(caller.tenant(), UsageKind.MAKE);
		}
		boolean conflict = result.duplicate() && this.duplicateStatus == 409;
		ResponseEntity.BodyBuilder answer = ResponseEntity.status(conflict ? 409 : 200)
			.header(STATUS_HEADER, result.duplicate() ? "duplicate" : "locked")
			.header("X-Request-Id", requestId);
		if (conflict) {
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("error", "Duplicate blocked");
			detail.put("first_seen_at", result.firstSeenAt());
			return answer.body(Map.of("detail", detail));
		}
		return answer.body(result.raw());
	}

}
