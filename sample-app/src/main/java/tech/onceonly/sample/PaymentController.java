package tech.onceonly.sample;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /payments} charges an order once ({@code @IdempotentAi}); {@code POST
 * /users/{id}/welcome-email} sends the welcome email once ({@code @Idempotent}). Repeat
 * either call and watch the counters stay put.
 */
@RestController
public class PaymentController {

	private final PaymentService payments;

	private final PaymentGateway gateway;

	private final WelcomeEmailService welcome;

	public PaymentController(PaymentService payments, PaymentGateway gateway, WelcomeEmailService welcome) {
		this.payments = payments;
		this.gateway = gateway;
		this.welcome = welcome;
	}

	@PostMapping("/payments")
	public Map<String, Object> charge(@RequestBody ChargeRequest request) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("receipt", this.payments.charge(request));
		body.put("gateway_charges_since_start", this.gateway.chargeCount());
		return body;
	}

	@PostMapping("/users/{userId}/welcome-email")
	public Map<String, Object> welcome(@PathVariable String userId, @RequestParam String email) {
		Optional<String> messageId = this.welcome.sendWelcome(userId, email);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("sent", messageId.isPresent());
		body.put("message_id", messageId.orElse(null));
		body.put("emails_sent_to_user", this.welcome.sentTo(userId));
		return body;
	}

}
