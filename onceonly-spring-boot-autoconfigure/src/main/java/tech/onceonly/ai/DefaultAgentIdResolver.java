package tech.onceonly.ai;

import org.jspecify.annotations.Nullable;

/**
 * The default {@link AgentIdResolver}: the context key
 * {@value AgentIdResolver#AGENT_ID_KEY}; else, when enabled, the conversation (memory)
 * id, except LangChain4j's implicit {@code "default"} memory id; else a configured
 * default agent id.
 */
public final class DefaultAgentIdResolver implements AgentIdResolver {

	private static final String IMPLICIT_MEMORY_ID = "default";

	private final @Nullable String defaultAgentId;

	private final boolean fromConversationId;

	/**
	 * A resolver.
	 * @param defaultAgentId the agent id when nothing else names one, or {@code null}
	 * @param fromConversationId whether a conversation (memory) id names the agent
	 */
	public DefaultAgentIdResolver(@Nullable String defaultAgentId, boolean fromConversationId) {
		this.defaultAgentId = (defaultAgentId != null && !defaultAgentId.isBlank()) ? defaultAgentId : null;
		this.fromConversationId = fromConversationId;
	}

	@Override
	public @Nullable String resolve(AgentCallContext context) {
		String explicit = context.text(AGENT_ID_KEY);
		if (explicit != null) {
			return explicit;
		}
		Object conversation = context.conversationId();
		if (this.fromConversationId && conversation != null) {
			String id = conversation.toString();
			if (!id.isBlank() && !IMPLICIT_MEMORY_ID.equals(id)) {
				return id;
			}
		}
		return this.defaultAgentId;
	}

}
