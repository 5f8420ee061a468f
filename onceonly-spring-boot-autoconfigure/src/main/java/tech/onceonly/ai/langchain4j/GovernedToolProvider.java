package tech.onceonly.ai.langchain4j;

import java.util.Objects;

import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderRequest;
import dev.langchain4j.service.tool.ToolProviderResult;

import org.jspecify.annotations.Nullable;

import tech.onceonly.ai.AgentToolGovernance;

/**
 * A LangChain4j {@link ToolProvider} whose tools are {@code delegate}'s, each executor
 * governed.
 */
public final class GovernedToolProvider implements ToolProvider {

	private final ToolProvider delegate;

	private final AgentToolGovernance governance;

	/**
	 * A governed provider.
	 * @param delegate the provider of the real tools
	 * @param governance the governance front
	 */
	public GovernedToolProvider(ToolProvider delegate, AgentToolGovernance governance) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		this.governance = Objects.requireNonNull(governance, "governance");
	}

	@Override
	public @Nullable ToolProviderResult provideTools(ToolProviderRequest request) {
		ToolProviderResult result = this.delegate.provideTools(request);
		if (result == null) {
			return null;
		}
		ToolProviderResult.Builder governed = ToolProviderResult.builder();
		for (AiServiceTool tool : result.aiServiceTools()) {
			governed.add(tool.toBuilder()
				.toolExecutor(GovernedToolExecutors.wrap(this.governance, tool.toolExecutor()))
				.build());
		}
		governed.immediateReturnToolNames(result.immediateReturnToolNames());
		return governed.build();
	}

	@Override
	public boolean isDynamic() {
		return this.delegate.isDynamic();
	}

}
