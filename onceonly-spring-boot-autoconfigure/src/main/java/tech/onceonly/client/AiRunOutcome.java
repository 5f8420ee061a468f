package tech.onceonly.client;

import java.util.Map;

/**
 * The answer of {@code POST /ai/run}: an {@link AiRun} in key mode, an
 * {@link AiToolResult} in tool mode.
 */
public sealed interface AiRunOutcome permits AiRun, AiToolResult {

	/** The answer's JSON object. */
	Map<String, Object> raw();

	/**
	 * Maps an answer the way the SDKs do: an object with an {@code allowed} or
	 * {@code decision} key is a tool result, anything else a run.
	 * @param raw the answer
	 * @return the typed outcome
	 */
	static AiRunOutcome fromRaw(Map<String, Object> raw) {
		if (raw.containsKey("allowed") || raw.containsKey("decision")) {
			return AiToolResult.fromRaw(raw);
		}
		return AiRun.fromRaw(raw);
	}

}
