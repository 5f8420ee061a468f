package tech.onceonly.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Service;

/**
 * Fulfils Stripe events; counts how often each event was really processed, which should
 * be once.
 */
@Service
public class StripeEvents {

	private final Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();

	/** Processes one event (here: records it; a real app would fulfil the order). */
	public void process(String eventId, String type) {
		this.processed.computeIfAbsent(eventId, (id) -> new AtomicInteger()).incrementAndGet();
	}

	/** How often {@code eventId} was processed since the app started. */
	public int timesProcessed(String eventId) {
		AtomicInteger count = this.processed.get(eventId);
		return (count != null) ? count.get() : 0;
	}

}
