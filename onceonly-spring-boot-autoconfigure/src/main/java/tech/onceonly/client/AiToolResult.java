package tech.onceonly.client;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The decision and outcome of a governed tool call (tool-mode {@code POST /ai/run}).
 *
 * @param ok whether the call succeeded
 * @param allowed whether the tool was (or had been) executed
 * @param decision {@code executed}, {@code blocked} or {@code dedup}
 * @param policyReason why: {@code ok}, {@code agent_disabled},
 * {@code tool_not_in_allowed_list}, … , {@code tool_idempotency}, {@code tool_error}
 * @param riskLevel {@code low}, {@code medium} or {@code high}
 * @param result the tool's result object
 * @param raw the answer's JSON object
 */
public record AiToolResult(boolean ok, boolean allowed, String decision, @Nullable String policyReason,
		@Nullable String riskLevel, @Nullable Map<String, Object> result,
		Map<String, Object> raw) implements AiRunOutcome {

	public AiToolResult {
		raw = WireMaps.raw(raw);
	}

	/** Maps an answer with the SDKs' coercions. */
	public static AiToolResult fromRaw(Map<String, Object> raw) {
		return new AiToolResult(WireMaps.bool(raw, "ok", false), WireMaps.bool(raw, "allowed", false),
				WireMaps.string(raw, "decision", ""), WireMaps.string(raw, "policy_reason"),
				WireMaps.string(raw, "risk_level"), WireMaps.object(raw, "result"), raw);
	}

}
