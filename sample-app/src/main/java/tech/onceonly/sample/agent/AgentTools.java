package tech.onceonly.sample.agent;

import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.stereotype.Component;

/**
 * The agent's tools: a charge that must never run twice, and a refund the policy forbids.
 */
@Component
public class AgentTools {

	private final AtomicInteger charges = new AtomicInteger();

	@Tool(description = "Charges a customer's order")
	public String charge(@ToolParam(description = "the order id") String orderId,
			@ToolParam(description = "the amount in cents") int amount) {
		return "charged " + orderId + " " + amount + " (charge #" + this.charges.incrementAndGet() + ")";
	}

	@Tool(description = "Refunds a customer's order")
	public String refund(@ToolParam(description = "the order id") String orderId) {
		return "refunded " + orderId;
	}

	/** How many charges really ran. */
	public int charges() {
		return this.charges.get();
	}

}
