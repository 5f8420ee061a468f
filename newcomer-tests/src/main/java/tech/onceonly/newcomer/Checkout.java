package tech.onceonly.newcomer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Service;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.RunFnOptions;

/**
 * The two primitives as getting-started shows them: {@code checkLock} and {@code runFn}.
 */
@Service
public class Checkout {

	private final OnceOnly onceOnly;

	private final AtomicInteger emails = new AtomicInteger();

	private final AtomicInteger charges = new AtomicInteger();

	public Checkout(OnceOnly onceOnly) {
		this.onceOnly = onceOnly;
	}

	/** Sends the welcome email at most once a day per user; true when it was sent now. */
	public boolean sendWelcome(String userId) {
		CheckLockResult lock = this.onceOnly.checkLock("welcome-email:" + userId, Duration.ofDays(1));
		if (lock.shouldProceed()) {
			this.emails.incrementAndGet();
			return true;
		}
		return false;
	}

	/** Charges once per order; every repeat gets the first charge's result. */
	public AiResult charge(String orderId, long amount) {
		return this.onceOnly.ai()
			.runFn("charge:" + orderId, () -> bankCharge(orderId, amount), RunFnOptions.defaults());
	}

	private Map<String, Object> bankCharge(String orderId, long amount) {
		return Map.of("charge_id", "ch_" + orderId + "_" + this.charges.incrementAndGet(), "amount", amount);
	}

	/** How many welcome emails this instance really sent. */
	public int emailsSent() {
		return this.emails.get();
	}

	/** How many charges this instance really made. */
	public int chargesMade() {
		return this.charges.get();
	}

}
