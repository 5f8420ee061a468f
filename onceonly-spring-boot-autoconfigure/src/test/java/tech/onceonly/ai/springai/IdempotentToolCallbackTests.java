package tech.onceonly.ai.springai;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.tool.annotation.Tool;

import tech.onceonly.ai.AiTestFixture;
import tech.onceonly.ai.IdempotentToolCalls;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotentToolCallbackTests {

	private final AiTestFixture fixture = new AiTestFixture();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void repeatedCallShouldBeSkippedWithTheSdkMessage() {
		EmailTools tools = new EmailTools();
		ScriptedChatModel model = new ScriptedChatModel()
			.toolCall("c1", "send_email", "{\"user_id\":\"u_100\",\"amount\":50}")
			.toolCall("c2", "send_email", "{\"amount\":50,\"user_id\":\"u_100\"}")
			.answer("done");

		ChatClient.create(model)
			.prompt("send")
			.toolCallbacks(GovernedToolCallbacks
				.idempotent(new IdempotentToolCalls(this.fixture.once, this.fixture.arguments), tools))
			.call()
			.content();

		assertThat(tools.sent).hasValue(1);
		assertThat(model.toolResponses).containsExactly("\"sent to u_100\"",
				"Action 'send_email' skipped (idempotency key duplicate).");
		assertThat(this.fixture.once.store()
			.getLock("tool:send_email:5313ba5eeb951ca7238066d9d35477c85ecd974a65687f9db836dce1eeb2c6dd")).isNotNull();
	}

	static class EmailTools {

		final AtomicInteger sent = new AtomicInteger();

		@Tool(name = "send_email", description = "Sends an email")
		String sendEmail(String user_id, int amount) {
			this.sent.incrementAndGet();
			return "sent to " + user_id;
		}

	}

}
