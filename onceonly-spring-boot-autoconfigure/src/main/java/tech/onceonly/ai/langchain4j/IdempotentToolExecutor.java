package tech.onceonly.ai.langchain4j;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import org.jspecify.annotations.Nullable;

import tech.onceonly.ai.IdempotentToolCalls;

/**
 * A LangChain4j {@link ToolExecutor} with the SDK's {@code make_idempotent_tool}
 * behaviour (see {@link IdempotentToolCalls}): a duplicate input within the ttl answers
 * {@code Action '<name>' skipped (idempotency key duplicate).} without running the
 * delegate.
 */
public final class IdempotentToolExecutor implements ToolExecutor {

	private final ToolExecutor delegate;

	private final IdempotentToolCalls calls;

	/**
	 * An idempotent executor.
	 * @param delegate the real tool
	 * @param calls the check-lock behaviour
	 */
	public IdempotentToolExecutor(ToolExecutor delegate, IdempotentToolCalls calls) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		this.calls = Objects.requireNonNull(calls, "calls");
	}

	@Override
	public String execute(ToolExecutionRequest request, @Nullable Object memoryId) {
		return this.calls.call(request.name(), request.arguments(), () -> this.delegate.execute(request, memoryId));
	}

	@Override
	public ToolExecutionResult executeWithContext(ToolExecutionRequest request,
			@Nullable InvocationContext invocationContext) {
		AtomicReference<@Nullable ToolExecutionResult> own = new AtomicReference<>();
		String text = this.calls.call(request.name(), request.arguments(), () -> {
			ToolExecutionResult result = this.delegate.executeWithContext(request, invocationContext);
			own.set(result);
			return result.resultText();
		});
		ToolExecutionResult executed = own.get();
		return (executed != null) ? executed : ToolExecutionResult.builder().resultText(text).build();
	}

}
