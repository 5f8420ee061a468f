package tech.onceonly.sample;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

/** A stand-in for a payment provider's API: each call is a real (and billable) charge. */
@Component
public class PaymentGateway {

	private final AtomicInteger charges = new AtomicInteger();

	private final Clock clock = Clock.systemUTC();

	/** Charges the card and returns the provider's receipt. */
	public Receipt charge(ChargeRequest request) {
		int number = this.charges.incrementAndGet();
		return new Receipt("ch_" + number, request.orderId(), request.amountCents(), request.currency(),
				this.clock.instant());
	}

	/** How many real charges were made since the app started. */
	public int chargeCount() {
		return this.charges.get();
	}

}
