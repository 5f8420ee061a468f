package tech.onceonly.sample.shipping;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.client.AgentDisabledException;
import tech.onceonly.client.AgentLogItem;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.ToolBlockedException;

/**
 * Governance on plain Java tools: {@code POST /shipping/orders/{id}/label} (executed,
 * then dedup for the same order, then blocked past three labels a day), {@code POST
 * /shipping/orders/{id}/cancel} (blocked by policy), {@code POST /shipping/kill-switch}
 * and {@code DELETE /shipping/kill-switch}, and {@code GET /shipping/audit} (every
 * decision).
 */
@RestController
public class ShippingAgentController {

	private final ShippingAgentTools tools;

	private final OnceOnly onceOnly;

	ShippingAgentController(ShippingAgentTools tools, OnceOnly onceOnly) {
		this.tools = tools;
		this.onceOnly = onceOnly;
	}

	@PostMapping("/shipping/orders/{orderId}/label")
	public Map<String, Object> label(@PathVariable String orderId, @RequestParam(defaultValue = "ups") String carrier) {
		ShippingLabel label = this.tools.createLabel(orderId, carrier);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("label", label);
		body.put("labels_purchased_since_start", this.tools.purchasedLabels());
		return body;
	}

	@PostMapping("/shipping/orders/{orderId}/cancel")
	public Map<String, Object> cancel(@PathVariable String orderId) {
		return Map.of("result", this.tools.cancelOrder(orderId));
	}

	@PostMapping("/shipping/kill-switch")
	public Map<String, Object> disable() {
		return this.onceOnly.gov().disableAgent(ShippingAgentTools.AGENT, "stopped from the sample").raw();
	}

	@PostMapping("/shipping/kill-switch/release")
	public Map<String, Object> enable() {
		return this.onceOnly.gov().enableAgent(ShippingAgentTools.AGENT, null).raw();
	}

	@GetMapping("/shipping/audit")
	public List<Map<String, Object>> audit() {
		return this.onceOnly.gov().agentLogs(ShippingAgentTools.AGENT, 50).stream().map(AgentLogItem::raw).toList();
	}

	@ExceptionHandler(ToolBlockedException.class)
	ResponseEntity<Map<String, Object>> blocked(ToolBlockedException ex) {
		return ResponseEntity.status(HttpStatus.FORBIDDEN)
			.body(Map.of("decision", ex.getDecision(), "policy_reason", ex.getPolicyReason(), "tool", ex.getTool()));
	}

	@ExceptionHandler(AgentDisabledException.class)
	ResponseEntity<Map<String, Object>> disabled(AgentDisabledException ex) {
		return ResponseEntity.status(HttpStatus.LOCKED)
			.body(Map.of("policy_reason", ex.getPolicyReason(), "agent_id", ex.getAgentId()));
	}

}
