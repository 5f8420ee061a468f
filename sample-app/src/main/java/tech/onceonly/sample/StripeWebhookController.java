package tech.onceonly.sample;

import java.util.Map;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.annotation.WebhookProvider;

/**
 * {@code POST /webhooks/stripe}: each Stripe event is processed once however often Stripe
 * re-sends it. A re-sent event is answered 200 without calling this method; one still
 * being processed gets 409 and Stripe retries later. The {@code Stripe-Signature} header
 * is verified against {@code onceonly.webhook.endpoints.stripe.secret} before anything
 * else: a forged or replayed delivery gets 401 and never reaches this method nor the
 * store.
 */
@RestController
public class StripeWebhookController {

	private final StripeEvents events;

	public StripeWebhookController(StripeEvents events) {
		this.events = events;
	}

	@PostMapping("/webhooks/stripe")
	@IdempotentWebhook(provider = WebhookProvider.STRIPE)
	public Map<String, Object> receive(@RequestBody Map<String, Object> event) {
		this.events.process(String.valueOf(event.get("id")), String.valueOf(event.get("type")));
		return Map.of("received", true);
	}

}
