package tech.onceonly.ai.springai;

import java.util.List;
import java.util.Objects;

import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.ToolExecutionResult;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

import tech.onceonly.ai.AgentToolGovernance;

/**
 * A {@link ToolCallingManager} that governs every tool callback carried in the prompt's
 * options ({@code ChatClient}'s {@code tools(…)}, {@code toolCallbacks(…)} and their
 * defaults) before its delegate executes them. Callbacks the delegate resolves by name
 * through a {@code ToolCallbackResolver} are governed only when that resolver is wrapped
 * too ({@link GovernedToolCallbackResolver}); the auto-configuration wraps both.
 */
public final class GovernedToolCallingManager implements ToolCallingManager {

	private final ToolCallingManager delegate;

	private final AgentToolGovernance governance;

	/**
	 * A governed manager.
	 * @param delegate the manager that executes tool calls
	 * @param governance the governance front
	 */
	public GovernedToolCallingManager(ToolCallingManager delegate, AgentToolGovernance governance) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		this.governance = Objects.requireNonNull(governance, "governance");
	}

	@Override
	public List<ToolDefinition> resolveToolDefinitions(ToolCallingChatOptions chatOptions) {
		return this.delegate.resolveToolDefinitions(chatOptions);
	}

	@Override
	public ToolExecutionResult executeToolCalls(Prompt prompt, ChatResponse chatResponse) {
		return this.delegate.executeToolCalls(governed(prompt), chatResponse);
	}

	private Prompt governed(Prompt prompt) {
		ChatOptions options = prompt.getOptions();
		if (!(options instanceof ToolCallingChatOptions toolOptions)) {
			return prompt;
		}
		List<ToolCallback> callbacks = toolOptions.getToolCallbacks();
		if (callbacks == null || callbacks.isEmpty()
				|| callbacks.stream().allMatch(GovernedToolCallback.class::isInstance)) {
			return prompt;
		}
		ToolCallingChatOptions wrapped = toolOptions.mutate()
			.toolCallbacks(GovernedToolCallbacks.wrap(this.governance, callbacks))
			.build();
		return new Prompt(prompt.getInstructions(), wrapped);
	}

}
