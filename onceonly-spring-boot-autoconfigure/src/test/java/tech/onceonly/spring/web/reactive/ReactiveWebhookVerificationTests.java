package tech.onceonly.spring.web.reactive;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.web.ScriptedStore;
import tech.onceonly.spring.web.webhook.Signing;
import tech.onceonly.spring.web.webhook.WebhookVerificationTests;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static tech.onceonly.spring.web.webhook.WebhookVerificationTests.GITHUB_SECRET;
import static tech.onceonly.spring.web.webhook.WebhookVerificationTests.SHOPIFY_SECRET;
import static tech.onceonly.spring.web.webhook.WebhookVerificationTests.SLACK_SECRET;
import static tech.onceonly.spring.web.webhook.WebhookVerificationTests.STANDARD_SECRET;
import static tech.onceonly.spring.web.webhook.WebhookVerificationTests.STRIPE_SECRET;
import static tech.onceonly.spring.web.webhook.WebhookVerificationTests.event;

/**
 * Signed {@code @IdempotentWebhook} deliveries on WebFlux: the same checks as on Spring
 * MVC, before the delivery id is leased.
 */
class ReactiveWebhookVerificationTests {

	private final MutableClock clock = MutableClock.startingAt2026();

	private final ScriptedStore store = new ScriptedStore(new InMemoryStore(this.clock));

	private final LocalOnceOnly onceOnly = new LocalOnceOnly(this.store);

	private final AtomicInteger handled = new AtomicInteger();

	private final WebTestClient client = ReactiveWebTestSupport.client(this.onceOnly,
			WebhookVerificationTests.verification(this.clock), new WebhookVerificationTests.Signed(this.handled));

	@AfterEach
	void tearDown() {
		this.onceOnly.close();
	}

	private long now() {
		return this.clock.instant().getEpochSecond();
	}

	private WebTestClient.ResponseSpec stripe(String body, String signature) {
		return this.client.post()
			.uri("/signed/stripe")
			.contentType(MediaType.APPLICATION_JSON)
			.header("Stripe-Signature", signature)
			.bodyValue(body)
			.exchange();
	}

	@Test
	void genuineStripeDeliveryShouldRunOnceAndItsRedeliveryBeDeduplicated() {
		String body = event("evt_1");
		String signature = Signing.stripe(STRIPE_SECRET, now(), body);
		stripe(body, signature).expectStatus().isOk().expectBody(String.class).isEqualTo("handled");
		stripe(body, signature).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("duplicate");
		assertThat(this.handled.get()).isEqualTo(1);
		assertThat(this.store.leases()).isEqualTo(2);
	}

	@Test
	void forgedStripeDeliveryShouldGet401WithoutTouchingTheStoreOrEchoingAnything() {
		String body = event("evt_forged");
		String body401 = stripe(body, Signing.stripe("whsec_attacker", now(), body)).expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType("application/problem+json")
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(body401).contains("webhook-signature-invalid")
			.doesNotContain("evt_forged")
			.doesNotContain(STRIPE_SECRET)
			.doesNotContain("whsec_attacker");
		assertThat(this.handled.get()).isZero();
		assertThat(this.store.leases()).isZero();
	}

	@Test
	void replayedStripeDeliveryOutsideTheToleranceShouldBeRefused() {
		String body = event("evt_old");
		String signature = Signing.stripe(STRIPE_SECRET, now(), body);
		this.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
		stripe(body, signature).expectStatus().isUnauthorized();
		assertThat(this.store.leases()).isZero();
	}

	@Test
	void otherProvidersShouldAcceptGenuineAndRefuseWrongSignatures() {
		String body = event("d_1");
		this.client.post()
			.uri("/signed/github")
			.header("X-GitHub-Delivery", "g-1")
			.header("X-Hub-Signature-256", Signing.github(GITHUB_SECRET, body))
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isOk();
		this.client.post()
			.uri("/signed/shopify")
			.header("X-Shopify-Webhook-Id", "s-1")
			.header("X-Shopify-Hmac-Sha256", Signing.shopify(SHOPIFY_SECRET, body))
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isOk();
		this.client.post()
			.uri("/signed/slack")
			.contentType(MediaType.APPLICATION_JSON)
			.header("X-Slack-Request-Timestamp", Long.toString(now()))
			.header("X-Slack-Signature", Signing.slack(SLACK_SECRET, now(), body))
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isOk();
		this.client.post()
			.uri("/signed/standard")
			.header("webhook-id", "msg_1")
			.header("webhook-timestamp", Long.toString(now()))
			.header("webhook-signature", Signing.standardWebhooks(STANDARD_SECRET, "msg_1", now(), body))
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(this.handled.get()).isEqualTo(4);
		int leases = this.store.leases();
		this.client.post()
			.uri("/signed/github")
			.header("X-GitHub-Delivery", "g-2")
			.header("X-Hub-Signature-256", Signing.github("wrong", body))
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isUnauthorized();
		this.client.post()
			.uri("/signed/standard")
			.header("webhook-id", "msg_2")
			.header("webhook-timestamp", Long.toString(now()))
			.header("webhook-signature", Signing.standardWebhooks(STANDARD_SECRET, "msg_other", now(), body))
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isUnauthorized();
		assertThat(this.handled.get()).isEqualTo(4);
		assertThat(this.store.leases()).isEqualTo(leases);
	}

}
