package tech.onceonly.ai.springai;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.resolution.ToolCallbackResolver;

import tech.onceonly.ai.AgentToolGovernance;

/** A {@link ToolCallbackResolver} whose resolved callbacks are governed. */
public final class GovernedToolCallbackResolver implements ToolCallbackResolver {

	private final ToolCallbackResolver delegate;

	private final AgentToolGovernance governance;

	/**
	 * A governed resolver.
	 * @param delegate the resolver that finds callbacks by name
	 * @param governance the governance front
	 */
	public GovernedToolCallbackResolver(ToolCallbackResolver delegate, AgentToolGovernance governance) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		this.governance = Objects.requireNonNull(governance, "governance");
	}

	@Override
	public @Nullable ToolCallback resolve(String toolName) {
		ToolCallback callback = this.delegate.resolve(toolName);
		return (callback != null) ? GovernedToolCallbacks.wrap(this.governance, callback) : null;
	}

}
