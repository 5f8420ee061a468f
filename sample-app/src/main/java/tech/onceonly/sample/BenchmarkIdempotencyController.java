package tech.onceonly.sample;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import tech.onceonly.spring.annotation.IdempotencyKey;

/**
 * Twin POST endpoints for {@code benchmarks/run.sh}: the same handler with and without
 * {@link IdempotencyKey}, answering a small JSON object, so a load generator can measure
 * what protecting an endpoint costs as users meet it. Both count the requests their
 * handler ran ({@code GET /bench/orders/counters}), which the harness checks against the
 * number of unique keys it sent. A third endpoint, {@code /bench/orders/two-inserts}, is
 * the baseline of the PostgreSQL goal: the same request answered after two raw autocommit
 * inserts on the application's own {@code DataSource} (the two commits a protected first
 * request makes), keyed by the request's {@code Idempotency-Key}.
 */
@RestController
public class BenchmarkIdempotencyController {

	private final LongAdder plain = new LongAdder();

	private final LongAdder idempotent = new LongAdder();

	private final LongAdder twoInserts = new LongAdder();

	private final ObjectProvider<JdbcTemplate> jdbc;

	private volatile boolean tableReady;

	public BenchmarkIdempotencyController(ObjectProvider<JdbcTemplate> jdbc) {
		this.jdbc = jdbc;
	}

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

	@PostMapping("/bench/orders/two-inserts")
	public Map<String, Object> twoInserts(@RequestHeader("Idempotency-Key") String key,
			@RequestBody Map<String, Object> order) {
		JdbcTemplate jdbc = this.jdbc.getIfAvailable();
		if (jdbc == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "two-inserts needs a DataSource");
		}
		if (!this.tableReady) {
			jdbc.execute("CREATE TABLE IF NOT EXISTS bench_two_inserts (k VARCHAR(400) PRIMARY KEY, n INT NOT NULL)");
			this.tableReady = true;
		}
		jdbc.update("INSERT INTO bench_two_inserts (k, n) VALUES (?, 1)", key + ":1");
		jdbc.update("INSERT INTO bench_two_inserts (k, n) VALUES (?, 2)", key + ":2");
		this.twoInserts.increment();
		return Map.of("order", "ord_1", "status", "created");
	}

	/** How many times each handler ran since start. */
	@GetMapping("/bench/orders/counters")
	public Map<String, Long> counters() {
		Map<String, Long> counters = new LinkedHashMap<>();
		counters.put("plain", this.plain.sum());
		counters.put("idempotent", this.idempotent.sum());
		counters.put("two_inserts", this.twoInserts.sum());
		return counters;
	}

}
