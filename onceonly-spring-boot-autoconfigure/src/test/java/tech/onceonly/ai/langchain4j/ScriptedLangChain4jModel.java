package tech.onceonly.ai.langchain4j;

import java.util.ArrayList;
import java.util.List;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

/**
 * A LangChain4j chat model that plays a script and records every tool result it is sent.
 * No network.
 */
class ScriptedLangChain4jModel implements ChatModel {

	private final List<AiMessage> turns = new ArrayList<>();

	final List<String> toolResults = new ArrayList<>();

	private int turn;

	ScriptedLangChain4jModel toolCall(String id, String tool, String arguments) {
		this.turns.add(AiMessage.from(ToolExecutionRequest.builder().id(id).name(tool).arguments(arguments).build()));
		return this;
	}

	ScriptedLangChain4jModel answer(String text) {
		this.turns.add(AiMessage.from(text));
		return this;
	}

	@Override
	public ChatResponse doChat(ChatRequest request) {
		List<ChatMessage> messages = request.messages();
		if (messages.get(messages.size() - 1) instanceof ToolExecutionResultMessage result) {
			this.toolResults.add(result.text());
		}
		return ChatResponse.builder().aiMessage(this.turns.get(this.turn++)).build();
	}

}
