package tech.onceonly.sample;

import java.math.BigDecimal;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.spring.annotation.IdempotencyKey;

/**
 * {@code POST /payment-intents} with an {@code Idempotency-Key} header: a client that
 * retries after a timeout charges the card once and gets the first answer back (with
 * {@code Idempotent-Replayed: true}).
 */
@RestController
public class PaymentIntentController {

	private final AtomicInteger charges = new AtomicInteger();

	/** A payment intent request. */
	public record PaymentIntentRequest(BigDecimal amount, String currency) {
	}

	@PostMapping("/payment-intents")
	@IdempotencyKey
	public ResponseEntity<Map<String, Object>> create(@RequestBody PaymentIntentRequest request) {
		this.charges.incrementAndGet();
		String id = "pi_" + UUID.randomUUID().toString().replace("-", "");
		Map<String, Object> payment = new LinkedHashMap<>();
		payment.put("id", id);
		payment.put("amount", request.amount());
		payment.put("currency", request.currency());
		payment.put("status", "succeeded");
		return ResponseEntity.created(URI.create("/payment-intents/" + id)).body(payment);
	}

	/** How many charges were really made since the app started. */
	public int chargeCount() {
		return this.charges.get();
	}

}
