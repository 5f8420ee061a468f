package tech.onceonly.sample.shipping;

import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Service;

import tech.onceonly.spring.annotation.GovernedTool;

/**
 * The shipping agent's tools, plain Java methods governed by {@code @GovernedTool}: the
 * policy in {@link ShippingAgentPolicy} blocks cancellations and allows three labels a
 * day; a repeated label for the same order is deduplicated and returns the first label.
 */
@Service
public class ShippingAgentTools {

	/** The agent these tools act for. */
	public static final String AGENT = "shipping-agent";

	private final AtomicInteger purchased = new AtomicInteger();

	/**
	 * Buys a label from the carrier: runs once per order, however often the agent asks.
	 */
	@GovernedTool(agent = AGENT, tool = "create_label", spend = "0.50")
	public ShippingLabel createLabel(String orderId, String carrier) {
		return new ShippingLabel(orderId, this.purchased.incrementAndGet(), carrier);
	}

	/** Cancels an order: blocked by the agent's policy. */
	@GovernedTool(agent = AGENT, tool = "cancel_order", riskLevel = "high")
	public String cancelOrder(String orderId) {
		return "cancelled " + orderId;
	}

	/** Labels really bought since the app started. */
	public int purchasedLabels() {
		return this.purchased.get();
	}

}
