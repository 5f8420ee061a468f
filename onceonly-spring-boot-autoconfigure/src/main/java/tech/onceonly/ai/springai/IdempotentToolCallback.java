package tech.onceonly.ai.springai;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.metadata.ToolMetadata;

import tech.onceonly.ai.IdempotentToolCalls;

/**
 * A Spring AI {@link ToolCallback} with the SDK's {@code make_idempotent_tool} behaviour
 * (see {@link IdempotentToolCalls}): a duplicate input within the ttl answers
 * {@code Action '<name>' skipped (idempotency key duplicate).} without running the
 * delegate.
 */
public final class IdempotentToolCallback implements ToolCallback {

	private final ToolCallback delegate;

	private final IdempotentToolCalls calls;

	/**
	 * An idempotent callback.
	 * @param delegate the real tool
	 * @param calls the check-lock behaviour
	 */
	public IdempotentToolCallback(ToolCallback delegate, IdempotentToolCalls calls) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		this.calls = Objects.requireNonNull(calls, "calls");
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
		return this.calls.call(getToolDefinition().name(), toolInput, () -> this.delegate.call(toolInput));
	}

	@Override
	public String call(String toolInput, @Nullable ToolContext toolContext) {
		return this.calls.call(getToolDefinition().name(), toolInput, () -> (toolContext != null)
				? this.delegate.call(toolInput, toolContext) : this.delegate.call(toolInput));
	}

}
