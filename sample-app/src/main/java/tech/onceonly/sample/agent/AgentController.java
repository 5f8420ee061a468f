package tech.onceonly.sample.agent;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.ai.AgentIdResolver;
import tech.onceonly.ai.AgentToolGovernance;
import tech.onceonly.ai.springai.GovernedToolCallbacks;
import tech.onceonly.client.AgentDisabledException;
import tech.onceonly.client.OnceOnly;

/**
 * The agent endpoint: {@code POST /agent/chat} runs Spring AI's ChatClient with governed
 * tools, so repeated charges run once, the refund is blocked by policy, the budget caps
 * spend, and {@code POST /agent/{id}/disable} (the kill switch) aborts the next chat with
 * 423.
 */
@RestController
public class AgentController {

	private final ChatClient chatClient;

	private final OnceOnly onceOnly;

	/** The controller, its tools governed by {@code governance}. */
	public AgentController(ChatModel chatModel, AgentTools tools, AgentToolGovernance governance, OnceOnly onceOnly) {
		this.chatClient = ChatClient.builder(chatModel)
			.defaultToolCallbacks(GovernedToolCallbacks.from(governance, tools))
			.build();
		this.onceOnly = onceOnly;
	}

	/** A chat request: which agent, and the user's message. */
	public record ChatRequest(@Nullable String agentId, @Nullable String message) {
	}

	/**
	 * Runs one chat and returns the model's answer; a request without an agent id or a
	 * message is answered 400 with a problem detail saying what to send.
	 */
	@PostMapping("/agent/chat")
	public Map<String, Object> chat(@RequestBody ChatRequest request) {
		if (!StringUtils.hasText(request.agentId()) || !StringUtils.hasText(request.message())) {
			throw new InvalidChatRequestException(
					"Send both agentId (the agent whose tool calls are governed, such as support-agent) and message "
							+ "(one tool call per line, such as charge {\"orderId\":\"o-1\",\"amount\":500}).");
		}
		String answer = this.chatClient.prompt(request.message())
			.toolContext(Map.of(AgentIdResolver.AGENT_ID_KEY, request.agentId()))
			.call()
			.content();
		return Map.of("agent_id", request.agentId(), "answer", (answer != null) ? answer : "");
	}

	/** The kill switch: disables the agent. */
	@PostMapping("/agent/{agentId}/disable")
	public Map<String, Object> disable(@PathVariable String agentId) {
		return this.onceOnly.gov().disableAgent(agentId, "disabled from the sample endpoint").raw();
	}

	/** A chat request that cannot run: 400 with what to send. */
	@ExceptionHandler(InvalidChatRequestException.class)
	public ResponseEntity<ProblemDetail> invalidRequest(InvalidChatRequestException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setTitle("Invalid chat request");
		return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

	/** A chat request without an agent id or a message. */
	static final class InvalidChatRequestException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		InvalidChatRequestException(String message) {
			super(message);
		}

	}

	/** A disabled agent's chat is aborted. */
	@ExceptionHandler(AgentDisabledException.class)
	public ResponseEntity<Map<String, Object>> disabled(AgentDisabledException ex) {
		return ResponseEntity.status(HttpStatus.LOCKED)
			.body(Map.of("error", ex.getPolicyReason(), "agent_id", ex.getAgentId(), "tool", ex.getTool()));
	}

}
