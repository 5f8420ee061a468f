package tech.onceonly.client;

import org.jspecify.annotations.Nullable;

/**
 * A backend capability ({@link OnceOnlyBackend#toolDecisions()}): the governance pipeline
 * for a tool that the caller runs in its own process, in two steps. A self-hosted
 * {@code onceonly-server} offers it as an extension of the API
 * ({@code /v1/ext/tool-decisions}); the hosted API does not, and answers {@code 404}.
 */
public interface ToolDecisions {

	/**
	 * Applies the kill switch, the allow and block lists, the limits and budget (reserved
	 * atomically) and dedup, without running the tool.
	 * @param call the call
	 * @param riskLevel the tool's risk level, {@code null} for the default of its name
	 * @return {@code decision=allowed} with a {@code claim_id} in
	 * {@link AiToolResult#raw()} when the tool may run now; otherwise the final
	 * {@code blocked} or {@code dedup} answer
	 */
	AiToolResult decide(ToolCallRequest call, @Nullable String riskLevel);

	/**
	 * Records that the tool of an allowed call returned {@code result}: the spend stays
	 * charged and identical calls get the result.
	 * @throws OutcomeUnknownException when the server could not record it (its claim was
	 * lost)
	 */
	AiToolResult complete(String claimId, @Nullable Object result);

	/**
	 * Records that the tool of an allowed call failed: the reservation is given back and
	 * an identical call may run again.
	 */
	AiToolResult fail(String claimId, String message);

	/** The claim id of an allowed decision, or {@code null}. */
	static @Nullable String claimIdOf(AiToolResult decision) {
		Object id = decision.raw().get("claim_id");
		return (id instanceof String s && "allowed".equals(decision.decision())) ? s : null;
	}

}
