package tech.onceonly.sample;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.spring.annotation.IdempotentWebhook;

/**
 * Twin webhook endpoints for {@code benchmarks/run.sh}: the same body with and without
 * {@code @IdempotentWebhook}, so a load generator can measure what the annotation costs.
 * They only count deliveries (nothing grows per event beyond the OnceOnly store itself).
 */
@RestController
public class BenchmarkWebhookController {

	private final LongAdder plain = new LongAdder();

	private final LongAdder idempotent = new LongAdder();

	@PostMapping("/bench/webhooks/plain")
	public Map<String, Object> plain(@RequestBody Map<String, Object> event) {
		this.plain.increment();
		return Map.of("received", true);
	}

	@PostMapping("/bench/webhooks/idempotent")
	// unsigned load: keyed by the Stripe-shaped event id, without the Stripe endpoint's
	// signing secret
	@IdempotentWebhook(scope = "bench", key = "#body['id']")
	public Map<String, Object> idempotent(@RequestBody Map<String, Object> event) {
		this.idempotent.increment();
		return Map.of("received", true);
	}

	/** Deliveries processed by the plain and the idempotent endpoint since start. */
	public long[] processed() {
		return new long[] { this.plain.sum(), this.idempotent.sum() };
	}

}
