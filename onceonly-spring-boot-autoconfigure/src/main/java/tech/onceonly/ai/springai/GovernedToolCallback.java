package tech.onceonly.ai.springai;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.metadata.ToolMetadata;

import tech.onceonly.ai.AgentToolGovernance;

/**
 * A Spring AI {@link ToolCallback} that runs its delegate only when governance allows the
 * call: same definition and metadata, and the {@link ToolContext} passed on unchanged.
 * Blocked calls answer a short message, duplicates the first result; a disabled agent
 * throws {@link tech.onceonly.client.AgentDisabledException}, which Spring AI's
 * {@code DefaultToolCallingManager} does not catch, so the chat call fails instead of
 * continuing.
 */
public final class GovernedToolCallback implements ToolCallback {

	private final ToolCallback delegate;

	private final AgentToolGovernance governance;

	/**
	 * A governed callback.
	 * @param delegate the real tool
	 * @param governance the governance front
	 */
	public GovernedToolCallback(ToolCallback delegate, AgentToolGovernance governance) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		this.governance = Objects.requireNonNull(governance, "governance");
	}

	/** The real tool. */
	public ToolCallback getDelegate() {
		return this.delegate;
	}

	@Override
	public ToolDefinition getToolDefinition() {
		return this.delegate.getToolDefinition();
	}

	@Override
	public ToolMetadata getToolMetadata() {
		return this.delegate.getToolMetadata();
	}

	@Override
	public String call(String toolInput) {
		return govern(toolInput, null);
	}

	@Override
	public String call(String toolInput, @Nullable ToolContext toolContext) {
		return govern(toolInput, toolContext);
	}

	private String govern(String toolInput, @Nullable ToolContext toolContext) {
		String name = getToolDefinition().name();
		return this.governance.call(toolInput, SpringAiCallContexts.of(name, toolContext), () -> (toolContext != null)
				? this.delegate.call(toolInput, toolContext) : this.delegate.call(toolInput));
	}

	@Override
	public String toString() {
		return "GovernedToolCallback[" + this.delegate.getToolDefinition().name() + "]";
	}

}
