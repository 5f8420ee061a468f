package tech.onceonly.sample.agent;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The governed agent: executed, dedup, blocked, budget and kill switch over HTTP. */
@SpringBootTest
@AutoConfigureMockMvc
class AgentControllerTests {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private AgentTools tools;

	@Test
	void repeatedChargeShouldRunOnceAndRefundShouldBeBlocked() throws Exception {
		int before = this.tools.charges();
		chat("support-agent",
				"charge {\"orderId\":\"o-1\",\"amount\":500}\\ncharge {\"amount\":500,\"orderId\":\"o-1\"}"
						+ "\\ncharge {\"orderId\":\"o-1\",\"amount\":500}\\nrefund {\"orderId\":\"o-1\"}")
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.answer").value("\"charged o-1 500 (charge #" + (before + 1) + ")\"\n"
					+ "\"charged o-1 500 (charge #" + (before + 1) + ")\"\n" + "\"charged o-1 500 (charge #"
					+ (before + 1) + ")\"\n" + "Tool 'refund' was blocked by policy: tool_explicitly_blocked"));
		assertThat(this.tools.charges()).isEqualTo(before + 1);
	}

	@Test
	void budgetShouldBlockTheFifthDistinctCharge() throws Exception {
		StringBuilder script = new StringBuilder();
		for (int i = 1; i <= 5; i++) {
			script.append("charge {\"orderId\":\"b-").append(i).append("\",\"amount\":1}\\n");
		}
		chat("budget-agent", script.toString()).andExpect(status().isOk())
			.andExpect(jsonPath("$.answer").value(Matchers.allOf(Matchers.containsString("b-4 1"),
					Matchers.endsWith("\nTool 'charge' was blocked by policy: max_spend_usd_per_day_exceeded"))));
	}

	@Test
	void killSwitchShouldAbortTheChat() throws Exception {
		this.mvc.perform(post("/agent/rogue-agent/disable")).andExpect(status().isOk());
		int before = this.tools.charges();

		chat("rogue-agent", "charge {\"orderId\":\"k-1\",\"amount\":1}").andExpect(status().isLocked())
			.andExpect(jsonPath("$.error").value("agent_disabled"));
		assertThat(this.tools.charges()).isEqualTo(before);
	}

	@Test
	void chatWithoutAgentIdShouldBeA400ProblemSayingWhatToSend() throws Exception {
		this.mvc.perform(post("/agent/chat").contentType(MediaType.APPLICATION_JSON).content("{\"message\":\"hi\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.title").value("Invalid chat request"))
			.andExpect(jsonPath("$.detail").value(Matchers.containsString("agentId")));
	}

	@Test
	void wrongToolArgumentShouldBeReportedToTheModelWithTheReasonAndNotRun() throws Exception {
		int before = this.tools.charges();
		chat("argument-agent", "charge {\"orderId\":\"w-1\",\"amount\":\"lots\"}").andExpect(status().isOk())
			.andExpect(jsonPath("$.answer")
				.value(Matchers.containsString("from String \"lots\": not a valid `int` value")));
		assertThat(this.tools.charges()).isEqualTo(before);
	}

	private ResultActions chat(String agentId, String message) throws Exception {
		return this.mvc.perform(post("/agent/chat").contentType(MediaType.APPLICATION_JSON)
			.content("{\"agentId\":\"" + agentId + "\",\"message\":\"" + message.replace("\"", "\\\"") + "\"}"));
	}

}
