package tech.onceonly.ai.springai;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ToolContext;

import tech.onceonly.ai.AgentCallContext;

/** Builds the framework-neutral call context from a Spring AI {@link ToolContext}. */
final class SpringAiCallContexts {

	/** Spring AI's tool-context key of the chat-memory conversation id. */
	static final String CONVERSATION_ID_KEY = "chat_memory_conversation_id";

	private SpringAiCallContexts() {
	}

	static AgentCallContext of(String tool, @Nullable ToolContext toolContext) {
		Map<String, Object> attributes = (toolContext != null) ? toolContext.getContext() : Map.of();
		return new AgentCallContext(tool, attributes, attributes.get(CONVERSATION_ID_KEY));
	}

}
