package tech.onceonly.benchmarks;

import tech.onceonly.spring.annotation.Idempotent;
import tech.onceonly.spring.annotation.IdempotentAi;

/**
 * The annotated bean of {@link AnnotationOverheadBenchmark}: trivial bodies, so the
 * benchmark sees the advice.
 */
public class Mailer {

	/** A check-lock guarded call: runs once per key, duplicates return {@code null}. */
	@Idempotent(key = "#p0", ttl = "3600s")
	public String send(String to) {
		return "sent";
	}

	/** A lease guarded call: runs once per key, duplicates return the stored result. */
	@IdempotentAi(key = "#p0")
	public Receipt charge(String orderId) {
		return new Receipt(orderId, 100);
	}

}
