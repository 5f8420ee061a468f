package tech.onceonly.ai.springai;

import java.util.Arrays;
import java.util.List;

import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;

import tech.onceonly.ai.AgentToolGovernance;
import tech.onceonly.ai.IdempotentToolCalls;

/**
 * Wraps Spring AI tools, callbacks and providers so every call is governed (or made
 * idempotent).
 */
public final class GovernedToolCallbacks {

	private GovernedToolCallbacks() {
	}

	/** Governed callbacks for the {@code @Tool} methods of {@code toolObjects}. */
	public static ToolCallback[] from(AgentToolGovernance governance, Object... toolObjects) {
		return wrap(governance, ToolCallbacks.from(toolObjects));
	}

	/** Each callback governed; callbacks that already are stay as they are. */
	public static ToolCallback[] wrap(AgentToolGovernance governance, ToolCallback... callbacks) {
		return Arrays.stream(callbacks).map((callback) -> wrap(governance, callback)).toArray(ToolCallback[]::new);
	}

	/** Each callback governed; callbacks that already are stay as they are. */
	public static List<ToolCallback> wrap(AgentToolGovernance governance, List<ToolCallback> callbacks) {
		return callbacks.stream().map((callback) -> wrap(governance, callback)).toList();
	}

	/** The callback governed, unless it already is. */
	public static ToolCallback wrap(AgentToolGovernance governance, ToolCallback callback) {
		return (callback instanceof GovernedToolCallback) ? callback : new GovernedToolCallback(callback, governance);
	}

	/**
	 * A provider whose callbacks are {@code provider}'s, governed; asked again on every
	 * call.
	 */
	public static ToolCallbackProvider wrap(AgentToolGovernance governance, ToolCallbackProvider provider) {
		return () -> wrap(governance, provider.getToolCallbacks());
	}

	/**
	 * Idempotent ({@code make_idempotent_tool}) callbacks for the {@code @Tool} methods
	 * of {@code toolObjects}.
	 */
	public static ToolCallback[] idempotent(IdempotentToolCalls calls, Object... toolObjects) {
		return Arrays.stream(ToolCallbacks.from(toolObjects))
			.map((callback) -> new IdempotentToolCallback(callback, calls))
			.toArray(ToolCallback[]::new);
	}

}
