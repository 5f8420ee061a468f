package tech.onceonly.sample.agent;

import java.util.ArrayList;
import java.util.List;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;

/**
 * A stand-in for a real model, so the demo runs without network or API key: each line of
 * the user's message, {@code <tool> <arguments JSON>}, becomes one tool call (a fresh
 * tool-call id each time, as real models do), and the final answer lists the tool results
 * the model received. Replace it with a provider starter's model.
 */
public class ScriptedAgentChatModel implements ChatModel {

	@Override
	public ChatResponse call(Prompt prompt) {
		List<Message> messages = prompt.getInstructions();
		String script = "";
		List<String> results = new ArrayList<>();
		for (Message message : messages) {
			if (message instanceof UserMessage user) {
				script = user.getText();
			}
			if (message instanceof ToolResponseMessage response) {
				response.getResponses().forEach((r) -> results.add(r.responseData()));
			}
		}
		List<String> lines = script.lines().map(String::trim).filter((line) -> !line.isEmpty()).toList();
		if (results.size() < lines.size()) {
			String line = lines.get(results.size());
			int space = line.indexOf(' ');
			String tool = (space < 0) ? line : line.substring(0, space);
			String arguments = (space < 0) ? "{}" : line.substring(space + 1);
			AssistantMessage call = AssistantMessage.builder()
				.content("")
				.toolCalls(List
					.of(new AssistantMessage.ToolCall("call-" + System.nanoTime(), "function", tool, arguments)))
				.build();
			return new ChatResponse(List.of(new Generation(call)));
		}
		return new ChatResponse(List.of(new Generation(new AssistantMessage(String.join("\n", results)))));
	}

	@Override
	public ChatOptions getOptions() {
		return ToolCallingChatOptions.builder().build();
	}

}
