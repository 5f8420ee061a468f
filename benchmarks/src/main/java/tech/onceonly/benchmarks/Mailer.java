package tech.onceonly.benchmarks;

import java.util.Optional;

import tech.onceonly.spring.annotation.Idempotent;
import tech.onceonly.spring.annotation.IdempotentAi;
import tech.onceonly.spring.annotation.OnDuplicate;

/**
 * The annotated bean of {@link AnnotationOverheadBenchmark}: trivial bodies, so the
 * benchmark sees the advice.
 */
public class Mailer {

	/**
	 * A check-lock guarded call: runs once per key, duplicates return an empty
	 * {@code Optional}.
	 */
	@Idempotent(key = "#p0", dedupWindow = "3600s", onDuplicate = OnDuplicate.RETURN_NULL)
	public Optional<String> send(String to) {
		return Optional.of("sent");
	}

	/** A lease guarded call: runs once per key, duplicates return the stored result. */
	@IdempotentAi(key = "#p0")
	public Receipt charge(String orderId) {
		return new Receipt(orderId, 100);
	}

}
