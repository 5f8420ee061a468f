package tech.onceonly.ai.langchain4j;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.invocation.InvocationParameters;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import org.jspecify.annotations.Nullable;

import tech.onceonly.ai.AgentCallContext;
import tech.onceonly.ai.AgentToolGovernance;

/**
 * A LangChain4j {@link ToolExecutor} that runs its delegate only when governance allows
 * the call. Both entry points are governed: {@code executeWithContext} (what
 * {@code AiServices} 1.x calls; the agent comes from the {@code InvocationParameters} key
 * {@code onceonly.agent_id} or the memory id) and {@code execute(request, memoryId)}.
 * Blocked calls answer a short message, duplicates the first result. A disabled agent
 * throws {@link tech.onceonly.client.AgentDisabledException}; because {@code AiServices}
 * turns tool exceptions into messages for the model by default, register
 * {@link GovernedToolErrorHandler} so that it aborts the service call.
 */
public final class GovernedToolExecutor implements ToolExecutor {

	private final ToolExecutor delegate;

	private final AgentToolGovernance governance;

	/**
	 * A governed executor.
	 * @param delegate the real tool
	 * @param governance the governance front
	 */
	public GovernedToolExecutor(ToolExecutor delegate, AgentToolGovernance governance) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		this.governance = Objects.requireNonNull(governance, "governance");
	}

	/** The real tool. */
	public ToolExecutor getDelegate() {
		return this.delegate;
	}

	@Override
	public String execute(ToolExecutionRequest request, @Nullable Object memoryId) {
		AgentCallContext context = new AgentCallContext(request.name(), Map.of(), memoryId);
		return this.governance.call(request.arguments(), context, () -> this.delegate.execute(request, memoryId));
	}

	@Override
	public ToolExecutionResult executeWithContext(ToolExecutionRequest request,
			@Nullable InvocationContext invocationContext) {
		AtomicReference<@Nullable ToolExecutionResult> own = new AtomicReference<>();
		String text;
		try {
			text = this.governance.call(request.arguments(), context(request, invocationContext), () -> {
				ToolExecutionResult result = this.delegate.executeWithContext(request, invocationContext);
				if (result.isError()) {
					throw new ErrorResult(result);
				}
				own.set(result);
				return result.resultText();
			});
		}
		catch (ErrorResult error) {
			return error.result;
		}
		ToolExecutionResult executed = own.get();
		return (executed != null) ? executed : ToolExecutionResult.builder().resultText(text).build();
	}

	private static AgentCallContext context(ToolExecutionRequest request, @Nullable InvocationContext context) {
		if (context == null) {
			return new AgentCallContext(request.name(), Map.of(), null);
		}
		InvocationParameters parameters = context.invocationParameters();
		Map<String, Object> attributes = (parameters != null) ? parameters.asMap() : Map.of();
		return new AgentCallContext(request.name(), attributes, context.chatMemoryId());
	}

	/**
	 * Carries a delegate's error result through governance, so the call counts as failed
	 * and may run again.
	 */
	private static final class ErrorResult extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final transient ToolExecutionResult result;

		ErrorResult(ToolExecutionResult result) {
			super("tool returned an error result", null, false, false);
			this.result = result;
		}

	}

}
