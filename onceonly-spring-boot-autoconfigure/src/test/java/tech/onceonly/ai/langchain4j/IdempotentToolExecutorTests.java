package tech.onceonly.ai.langchain4j;

import java.util.concurrent.atomic.AtomicInteger;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tech.onceonly.ai.AiTestFixture;
import tech.onceonly.ai.IdempotentToolCalls;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotentToolExecutorTests {

	private final AiTestFixture fixture = new AiTestFixture();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	interface Assistant {

		String chat(String message);

	}

	@Test
	void repeatedCallShouldBeSkippedWithTheSdkMessage() {
		EmailTools tools = new EmailTools();
		ScriptedLangChain4jModel model = new ScriptedLangChain4jModel()
			.toolCall("c1", "send_email", "{\"user_id\":\"u_100\",\"amount\":50}")
			.toolCall("c2", "send_email", "{\"amount\":50,\"user_id\":\"u_100\"}")
			.answer("done");
		Assistant assistant = AiServices.builder(Assistant.class)
			.chatModel(model)
			.tools(GovernedToolExecutors.idempotent(new IdempotentToolCalls(this.fixture.once, this.fixture.arguments),
					tools))
			.build();

		assertThat(assistant.chat("send")).isEqualTo("done");
		assertThat(tools.sent).hasValue(1);
		assertThat(model.toolResults).containsExactly("sent to u_100",
				"Action 'send_email' skipped (idempotency key duplicate).");
	}

	static class EmailTools {

		final AtomicInteger sent = new AtomicInteger();

		@Tool(name = "send_email", value = "Sends an email")
		String sendEmail(String user_id, int amount) {
			this.sent.incrementAndGet();
			return "sent to " + user_id;
		}

	}

}
