package tech.onceonly.newcomer;

import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Service;

import tech.onceonly.spring.annotation.Idempotent;
import tech.onceonly.spring.annotation.IdempotentAi;

/** The annotations as getting-started shows them. */
@Service
public class AnnotatedPayments {

	private final AtomicInteger charges = new AtomicInteger();

	private final AtomicInteger emails = new AtomicInteger();

	/** Exactly once per order; the first receipt replayed. */
	@IdempotentAi(key = "'charge-annotated:' + #orderId")
	public Receipt charge(String orderId, long amountCents) {
		return new Receipt(orderId, amountCents, this.charges.incrementAndGet());
	}

	/** At most once per 30 days per user. */
	@Idempotent(keyPrefix = "welcome-email-annotated", key = "#userId", ttl = "30d")
	public void sendWelcome(String userId, String email) {
		this.emails.incrementAndGet();
	}

	/** How many charges really ran. */
	public int chargesMade() {
		return this.charges.get();
	}

	/** How many emails were really sent. */
	public int emailsSent() {
		return this.emails.get();
	}

}
