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
 * {@code POST /payments} with an {@code Idempotency-Key} header: a client that retries after a timeout charges the
 * card once and gets the first answer back (with {@code Idempotent-Replayed: true}).
 */
@RestController
public class PaymentController {

	private final AtomicInteger charges = new AtomicInteger();

	/** A payment request. */
	public record PaymentRequest(BigDecimal amount, String currency) {
	}

	@PostMapping("/payments")
	@IdempotencyKey
	public ResponseEntity<Map<String, Object>> create(@RequestBody PaymentRequest request) {
		this.charges.incrementAndGet();
		String id = "pay_" + UUID.randomUUID().toString().replace("-", "");
		Map<String, Object> payment = new LinkedHashMap<>();
		payment.put("id", id);
		payment.put("amount", request.amount());
		payment.put("currency", request.currency());
		payment.put("status", "succeeded");
		return ResponseEntity.created(URI.create("/payments/" + id)).body(payment);
	}

	/** How many charges were really made since the app started. */
	public int chargeCount() {
		return this.charges.get();
	}

}
