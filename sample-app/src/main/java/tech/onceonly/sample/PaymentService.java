package tech.onceonly.sample;

import org.springframework.stereotype.Service;

import tech.onceonly.spring.annotation.RunOnce;

/**
 * Charges each order exactly once: retries, double clicks and concurrent workers all
 * receive the first charge's receipt, and the gateway is called once.
 */
@Service
public class PaymentService {

	private final PaymentGateway gateway;

	public PaymentService(PaymentGateway gateway) {
		this.gateway = gateway;
	}

	/**
	 * Charges the order once; every later call for the same order returns the first
	 * receipt.
	 */
	@RunOnce(key = "'payment:' + #request.orderId()", leaseTime = "2m",
			metadata = "{'amount_cents': #request.amountCents(), 'currency': #request.currency()}")
	public Receipt charge(ChargeRequest request) {
		return this.gateway.charge(request);
	}

}
