package tech.onceonly.newcomer;

import java.util.Map;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.client.AiResult;

/** {@code POST /orders/{id}/charge}: the charge over HTTP, once per order. */
@RestController
public class OrderController {

	private final Checkout checkout;

	public OrderController(Checkout checkout) {
		this.checkout = checkout;
	}

	@PostMapping("/orders/{orderId}/charge")
	public Map<String, Object> charge(@PathVariable String orderId) {
		AiResult result = this.checkout.charge(orderId, 500);
		return Map.of("status", result.status(), "charge_id", String.valueOf(result.result().get("charge_id")));
	}

}
