package tech.onceonly.ai;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What an adapter knows about a tool call besides its name and arguments: the framework's
 * context map (Spring AI's {@code ToolContext}, LangChain4j's
 * {@code InvocationParameters}) and the conversation (Spring AI's
 * {@code chat_memory_conversation_id}, LangChain4j's memory id).
 *
 * @param tool the tool name
 * @param attributes the framework's context entries, possibly empty
 * @param conversationId the conversation or memory id, if any
 */
public record AgentCallContext(String tool, Map<String, Object> attributes, @Nullable Object conversationId) {

	public AgentCallContext {
		attributes = (attributes != null) ? attributes : Map.of();
	}

	/** The attribute as a non-blank string, or {@code null}. */
	public @Nullable String text(String name) {
		Object value = this.attributes.get(name);
		if (value == null) {
			return null;
		}
		String text = value.toString();
		return text.isBlank() ? null : text;
	}

}
