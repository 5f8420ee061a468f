package tech.onceonly.client.remote;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import reactor.core.publisher.Mono;

import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.ApiException;
import tech.onceonly.client.OutcomeUnknownException;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.client.ToolDecisions;

/**
 * The {@code /v1/ext/tool-decisions} extension of a self-hosted {@code onceonly-server}:
 * non-blocking ({@code …Mono}) and blocking forms. The hosted API answers {@code 404} (an
 * {@link ApiException}); callers fall back then.
 */
public final class RemoteToolDecisions implements ToolDecisions {

	static final String PATH = "/ext/tool-decisions";

	private final RemoteHttp http;

	RemoteToolDecisions(RemoteHttp http) {
		this.http = http;
	}

	/** See {@link #decide}. */
	public Mono<AiToolResult> decideMono(ToolCallRequest call, @Nullable String riskLevel) {
		return Mono.defer(() -> {
			if (call.agentId() == null || call.agentId().isBlank() || call.tool() == null || call.tool().isBlank()) {
				throw new IllegalArgumentException("a tool decision requires agent_id=... and tool=...");
			}
			Map<String, Object> body = new WireBody().put("agent_id", call.agentId())
				.put("tool", call.tool())
				.put("args", (call.args() != null && !call.args().isEmpty()) ? call.args() : null)
				.put("spend_usd", call.spendUsd())
				.put("run_id",
						(call.runId() != null) ? ReactiveRemoteOnceOnly.requireText(call.runId(), "run_id") : null)
				.put("risk_level", riskLevel)
				.build();
			return this.http.call(HttpMethod.POST, PATH, body).map(AiToolResult::fromRaw);
		});
	}

	/**
	 * See {@link #complete}: a failure to record (the server unreachable or refusing, the
	 * claim lost) is an {@link OutcomeUnknownException}, as the tool already ran.
	 */
	public Mono<AiToolResult> completeMono(String claimId, @Nullable Object result) {
		Map<String, Object> body = new WireBody().put("ok", true).put("result", result).build();
		return outcome(claimId, body);
	}

	/** See {@link #fail}. */
	public Mono<AiToolResult> failMono(String claimId, String message) {
		Map<String, Object> body = new WireBody().put("ok", false).put("error", message).build();
		return outcome(claimId, body);
	}

	private Mono<AiToolResult> outcome(String claimId, Map<String, Object> body) {
		return Mono.defer(() -> this.http
			.call(HttpMethod.POST,
					PATH + "/" + UriEncoding.component(ReactiveRemoteOnceOnly.requireText(claimId, "claim_id"))
							+ "/outcome",
					body)
			.map(AiToolResult::fromRaw)
			.onErrorMap((ex) -> !(ex instanceof OutcomeUnknownException),
					(ex) -> new OutcomeUnknownException("tool-decision:" + claimId, ex)));
	}

	@Override
	public AiToolResult decide(ToolCallRequest call, @Nullable String riskLevel) {
		return await(decideMono(call, riskLevel));
	}

	@Override
	public AiToolResult complete(String claimId, @Nullable Object result) {
		return await(completeMono(claimId, result));
	}

	@Override
	public AiToolResult fail(String claimId, String message) {
		return await(failMono(claimId, message));
	}

	private static AiToolResult await(Mono<AiToolResult> mono) {
		AiToolResult value = mono.block();
		if (value == null) {
			throw new ApiException("API Error (empty answer)", null, Map.of());
		}
		return value;
	}

}
