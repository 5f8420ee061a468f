package tech.onceonly.sample.shipping;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

import tech.onceonly.ai.AgentToolGovernor;
import tech.onceonly.ai.LocalAgentToolGovernor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItems;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The sample's governed Java tools: executed, dedup, blocked by list and by limit, kill
 * switch, audit.
 */
@SpringBootTest
@AutoConfigureMockMvc
class ShippingAgentControllerTests {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private ShippingAgentTools tools;

	@Autowired
	private AgentToolGovernor governor;

	@Test
	void observedClientShouldStillGiveAgentsTheLocalGovernancePipeline() {
		assertThat(this.governor).isInstanceOf(LocalAgentToolGovernor.class);
	}

	@Test
	void governedToolsShouldExecuteDedupBlockAndObeyTheKillSwitch() throws Exception {
		int before = this.tools.purchasedLabels();
		this.mvc.perform(post("/shipping/orders/o-1/label"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.label.orderId").value("o-1"))
			.andExpect(jsonPath("$.labels_purchased_since_start").value(before + 1));
		this.mvc.perform(post("/shipping/orders/o-1/label"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.label.labelNumber").value(before + 1))
			.andExpect(jsonPath("$.labels_purchased_since_start").value(before + 1));
		this.mvc.perform(post("/shipping/orders/o-1/cancel"))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.policy_reason").value("tool_explicitly_blocked"));
		this.mvc.perform(post("/shipping/orders/o-2/label")).andExpect(status().isOk());
		this.mvc.perform(post("/shipping/orders/o-3/label")).andExpect(status().isOk());
		this.mvc.perform(post("/shipping/orders/o-4/label"))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.policy_reason").value("max_calls_per_tool_exceeded"));
		this.mvc.perform(post("/shipping/kill-switch")).andExpect(jsonPath("$.is_enabled").value(false));
		this.mvc.perform(post("/shipping/orders/o-1/label"))
			.andExpect(status().isLocked())
			.andExpect(jsonPath("$.policy_reason").value("agent_disabled"));
		this.mvc.perform(post("/shipping/kill-switch/release")).andExpect(jsonPath("$.is_enabled").value(true));
		this.mvc.perform(get("/shipping/audit"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[*].decision", hasItems("executed", "dedup", "blocked")))
			.andExpect(jsonPath("$[*].policy_reason", hasItems("ok", "tool_idempotency", "tool_explicitly_blocked",
					"max_calls_per_tool_exceeded", "agent_disabled")));
	}

}
