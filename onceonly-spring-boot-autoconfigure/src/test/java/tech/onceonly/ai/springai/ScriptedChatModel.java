package tech.onceonly.ai.springai;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;

/**
 * A chat model that plays a script: each turn answers with the next scripted message
 * (tool calls or text), and every tool response the loop sends back is recorded. No
 * network.
 */
class ScriptedChatModel implements ChatModel {

	private final List<Function<Integer, AssistantMessage>> turns = new ArrayList<>();

	final List<String> toolResponses = new ArrayList<>();

	private int turn;

	/** Next turn: the model asks for one tool call. */
	ScriptedChatModel toolCall(String id, String tool, String arguments) {
		this.turns.add((n) -> AssistantMessage.builder()
			.content("")
			.toolCalls(List.of(new AssistantMessage.ToolCall(id, "function", tool, arguments)))
			.build());
		return this;
	}

	/** Last turn: the model answers with text. */
	ScriptedChatModel answer(String text) {
		this.turns.add((n) -> new AssistantMessage(text));
		return this;
	}

	@Override
	public ChatResponse call(Prompt prompt) {
		List<Message> messages = prompt.getInstructions();
		Message last = messages.get(messages.size() - 1);
		if (last instanceof ToolResponseMessage response) {
			response.getResponses().forEach((r) -> this.toolResponses.add(r.responseData()));
		}
		AssistantMessage next = this.turns.get(this.turn).apply(this.turn);
		this.turn++;
		return new ChatResponse(List.of(new Generation(next)));
	}

	@Override
	public ChatOptions getOptions() {
		return ToolCallingChatOptions.builder().build();
	}

}
