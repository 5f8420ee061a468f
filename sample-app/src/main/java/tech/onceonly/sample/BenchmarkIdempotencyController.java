package tech.onceonly.sample;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.spring.annotation.IdempotencyKey;

/**
 * Twin POST endpoints for {@code benchmarks/run.sh}: the same handler with and without
 * {@link IdempotencyKey}, answering a small JSON object, so a load generator can measure
 * what protecting an endpoint costs as users meet it. Both count the requests their
 * handler ran ({@code GET /bench/orders/counters}), which the harness checks against the
 * number of unique keys it sent.
 */
@RestController
public class BenchmarkIdempotencyController {

	private final LongAdder plain = new LongAdder();

	private final LongAdder idempotent = new LongAdder();

	@PostMapping("/bench/orders/plain")
	public Map<String, Object> plain(@RequestBody Map<String, Object> order) {
		this.plain.increment();
		return Map.of("order", "ord_1", "status", "created");
	}

	@PostMapping("/bench/orders/idempotent")
	@IdempotencyKey
	public Map<String, Object> idempotent(@RequestBody Map<String, Object> order) {
		this.idempotent.increment();
		return Map.of("order", "ord_1", "status", "created");
	}

	/** How many times each handler ran since start. */
	@GetMapping("/bench/orders/counters")
	public Map<String, Long> counters() {
		Map<String, Long> counters = new LinkedHashMap<>();
		counters.put("plain", this.plain.sum());
		counters.put("idempotent", this.idempotent.sum());
		return counters;
	}

}
