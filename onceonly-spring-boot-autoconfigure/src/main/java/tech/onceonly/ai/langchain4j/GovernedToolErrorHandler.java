package tech.onceonly.ai.langchain4j;

import java.util.Objects;

import dev.langchain4j.service.tool.ToolErrorContext;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import dev.langchain4j.service.tool.ToolExecutionErrorHandler;

import tech.onceonly.ai.MissingAgentIdException;
import tech.onceonly.client.AgentDisabledException;

/**
 * A LangChain4j {@link ToolExecutionErrorHandler} that rethrows
 * {@link AgentDisabledException} (kill switch) and {@link MissingAgentIdException}, so
 * they abort the {@code AiServices} call instead of becoming a message the model could
 * route around, and hands every other tool error to a delegate (by default, the error's
 * message for the model, as LangChain4j does). Register it with
 * {@code AiServices.builder(…).toolExecutionErrorHandler(…)}.
 */
public final class GovernedToolErrorHandler implements ToolExecutionErrorHandler {

	private final ToolExecutionErrorHandler delegate;

	/** A handler that answers other errors with their message. */
	public GovernedToolErrorHandler() {
		this((error, context) -> ToolErrorHandlerResult
			.text((error.getMessage() != null) ? error.getMessage() : error.getClass().getName()));
	}

	/** A handler that hands other errors to {@code delegate}. */
	public GovernedToolErrorHandler(ToolExecutionErrorHandler delegate) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
	}

	@Override
	public ToolErrorHandlerResult handle(Throwable error, ToolErrorContext context) {
		for (Throwable t = error; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			if (t instanceof AgentDisabledException || t instanceof MissingAgentIdException) {
				throw (RuntimeException) t;
			}
		}
		Exception raw = context.rawError();
		if (raw instanceof AgentDisabledException || raw instanceof MissingAgentIdException) {
			throw (RuntimeException) raw;
		}
		return this.delegate.handle(error, context);
	}

}
