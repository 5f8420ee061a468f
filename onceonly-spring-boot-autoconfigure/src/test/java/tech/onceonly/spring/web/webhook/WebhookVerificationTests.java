package tech.onceonly.spring.web.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.annotation.WebhookProvider;
import tech.onceonly.spring.web.ScriptedStore;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Signed {@code @IdempotentWebhook} deliveries on Spring MVC: each provider's signature
 * is checked before the delivery id is leased, and a delivery that is not genuine gets a
 * 401 problem without touching the store.
 */
public class WebhookVerificationTests {

	public static final String STRIPE_SECRET = "whsec_stripe_test_secret";

	public static final String GITHUB_SECRET = "github-secret";

	public static final String SHOPIFY_SECRET = "shpss_shopify_secret";

	public static final String SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

	public static final String STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

	private final MutableClock clock = MutableClock.startingAt2026();

	private final ScriptedStore store = new ScriptedStore(new InMemoryStore(this.clock));

	private final LocalOnceOnly onceOnly = new LocalOnceOnly(this.store);

	private final AtomicInteger handled = new AtomicInteger();

	private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new Signed(this.handled))
		.addFilters(new WebhookBodyCachingFilter(1024 * 1024))
		.addInterceptors(new WebhookIdempotencyInterceptor(this.onceOnly, WebhookSettings.defaults(), null,
				Heartbeats.shared(), LeaseEvents.LOGGING, verification(this.clock)))
		.build();

	public static WebhookVerification verification(MutableClock clock) {
		return new WebhookVerification(Map.of("stripe",
				new WebhookSecrets(List.of("whsec_retired", STRIPE_SECRET), Duration.ofMinutes(5)), "github",
				WebhookSecrets.of(GITHUB_SECRET), "shopify", WebhookSecrets.of(SHOPIFY_SECRET), "slack",
				WebhookSecrets.of(SLACK_SECRET), "standard-webhooks", WebhookSecrets.of(STANDARD_SECRET)), clock);
	}

	@AfterEach
	void tearDown() {
		this.onceOnly.close();
	}

	private long now() {
		return this.clock.instant().getEpochSecond();
	}

	public static String event(String id) {
		return "{\"id\":\"" + id + "\",\"event_id\":\"" + id + "\",\"type\":\"payment_intent.succeeded\"}";
	}

	private MockHttpServletRequestBuilder stripe(String body, String signature) {
		return post("/signed/stripe").contentType(MediaType.APPLICATION_JSON)
			.header("Stripe-Signature", signature)
			.content(body);
	}

	@Test
	void genuineStripeDeliveryShouldRunOnceAndItsRedeliveryBeDeduplicated() throws Exception {
		String body = event("evt_1");
		String signature = Signing.stripe(STRIPE_SECRET, now(), body);
		this.mvc.perform(stripe(body, signature)).andExpect(status().isOk()).andExpect(content().string("handled"));
		this.mvc.perform(stripe(body, signature))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("duplicate"));
		assertThat(this.handled.get()).isEqualTo(1);
		assertThat(this.store.leases()).isEqualTo(2);
	}

	@Test
	void forgedStripeDeliveryShouldGet401WithoutTouchingTheStoreOrEchoingAnything() throws Exception {
		String body = event("evt_forged");
		String signature = Signing.stripe("whsec_attacker", now(), body);
		MockHttpServletResponse response = this.mvc.perform(stripe(body, signature))
			.andExpect(status().isUnauthorized())
			.andExpect(content().contentType("application/problem+json"))
			.andExpect(jsonPath("$.type").value("https://onceonly.tech/problems/webhook-signature-invalid"))
			.andReturn()
			.getResponse();
		assertThat(response.getContentAsString()).doesNotContain("evt_forged")
			.doesNotContain(STRIPE_SECRET)
			.doesNotContain("whsec_attacker")
			.doesNotContain(signature.substring(signature.indexOf("v1=") + 3));
		assertThat(this.handled.get()).isZero();
		assertThat(this.store.leases()).isZero();
		assertThat(this.onceOnly.ai().status("webhook:stripe:evt_forged").status()).isEqualTo("not_found");
	}

	@Test
	void stripeDeliveryWithoutSignatureOrWithAChangedBodyShouldBeRefused() throws Exception {
		String body = event("evt_2");
		this.mvc.perform(post("/signed/stripe").contentType(MediaType.APPLICATION_JSON).content(body))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.detail")
				.value("the Stripe-Signature header is missing; the delivery was not processed"));
		this.mvc.perform(stripe(event("evt_3"), Signing.stripe(STRIPE_SECRET, now(), body)))
			.andExpect(status().isUnauthorized());
		assertThat(this.store.leases()).isZero();
	}

	@Test
	void replayedStripeDeliveryOutsideTheToleranceShouldBeRefused() throws Exception {
		String body = event("evt_old");
		String signature = Signing.stripe(STRIPE_SECRET, now(), body);
		this.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
		this.mvc.perform(stripe(body, signature))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("possible replay")));
		assertThat(this.store.leases()).isZero();
	}

	@Test
	void stripeDeliverySignedWithARetiredSecretShouldStillBeAcceptedDuringRotation() throws Exception {
		String body = event("evt_rot");
		this.mvc.perform(stripe(body, Signing.stripe("whsec_retired", now(), body))).andExpect(status().isOk());
		assertThat(this.handled.get()).isEqualTo(1);
	}

	@Test
	void githubShopifySlackAndStandardWebhooksShouldVerifyTheirSignatures() throws Exception {
		String body = event("d_1");
		this.mvc
			.perform(post("/signed/github").header("X-GitHub-Delivery", "g-1")
				.header("X-Hub-Signature-256", Signing.github(GITHUB_SECRET, body))
				.content(body))
			.andExpect(status().isOk());
		this.mvc
			.perform(post("/signed/shopify").header("X-Shopify-Webhook-Id", "s-1")
				.header("X-Shopify-Hmac-Sha256", Signing.shopify(SHOPIFY_SECRET, body))
				.content(body))
			.andExpect(status().isOk());
		this.mvc
			.perform(post("/signed/slack").contentType(MediaType.APPLICATION_JSON)
				.header("X-Slack-Request-Timestamp", Long.toString(now()))
				.header("X-Slack-Signature", Signing.slack(SLACK_SECRET, now(), body))
				.content(body))
			.andExpect(status().isOk());
		this.mvc
			.perform(post("/signed/standard").header("webhook-id", "msg_1")
				.header("webhook-timestamp", Long.toString(now()))
				.header("webhook-signature", Signing.standardWebhooks(STANDARD_SECRET, "msg_1", now(), body))
				.content(body))
			.andExpect(status().isOk());
		assertThat(this.handled.get()).isEqualTo(4);
	}

	@Test
	void githubShopifySlackAndStandardWebhooksShouldRefuseWrongSignaturesBeforeLeasing() throws Exception {
		String body = event("d_2");
		this.mvc
			.perform(post("/signed/github").header("X-GitHub-Delivery", "g-2")
				.header("X-Hub-Signature-256", Signing.github("wrong", body))
				.content(body))
			.andExpect(status().isUnauthorized());
		this.mvc
			.perform(post("/signed/shopify").header("X-Shopify-Webhook-Id", "s-2")
				.header("X-Shopify-Hmac-Sha256", Signing.shopify("wrong", body))
				.content(body))
			.andExpect(status().isUnauthorized());
		long stale = now() - 301;
		this.mvc
			.perform(post("/signed/slack").contentType(MediaType.APPLICATION_JSON)
				.header("X-Slack-Request-Timestamp", Long.toString(stale))
				.header("X-Slack-Signature", Signing.slack(SLACK_SECRET, stale, body))
				.content(body))
			.andExpect(status().isUnauthorized());
		this.mvc
			.perform(post("/signed/standard").header("webhook-id", "msg_2")
				.header("webhook-timestamp", Long.toString(now()))
				.header("webhook-signature", Signing.standardWebhooks(STANDARD_SECRET, "msg_other", now(), body))
				.content(body))
			.andExpect(status().isUnauthorized());
		assertThat(this.handled.get()).isZero();
		assertThat(this.store.leases()).isZero();
	}

	@Test
	void slackUrlVerificationShouldAlsoBeSigned() throws Exception {
		String challenge = "{\"type\":\"url_verification\",\"challenge\":\"abc\"}";
		this.mvc
			.perform(post("/signed/slack").contentType(MediaType.APPLICATION_JSON)
				.header("X-Slack-Request-Timestamp", Long.toString(now()))
				.header("X-Slack-Signature", Signing.slack("wrong", now(), challenge))
				.content(challenge))
			.andExpect(status().isUnauthorized());
		assertThat(this.handled.get()).isZero();
	}

	/** Signed endpoints of every provider, counting the deliveries handled. */
	@Test
	void secretsForAGenericEndpointShouldFailNamingTheEndpointAndTheFix() {
		MockMvc generic = MockMvcBuilders.standaloneSetup(new Generic())
			.addFilters(new WebhookBodyCachingFilter(1024))
			.addInterceptors(new WebhookIdempotencyInterceptor(this.onceOnly, WebhookSettings.defaults(), null,
					Heartbeats.shared(), LeaseEvents.LOGGING,
					new WebhookVerification(Map.of("crm", WebhookSecrets.of("crm-secret")), this.clock)))
			.build();
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> generic.perform(post("/signed/crm").header("X-Event-Id", "e-1").content("{}")))
			.rootCause()
			.hasMessageContaining("onceonly.webhook.endpoints.crm")
			.hasMessageContaining("GENERIC")
			.hasMessageNotContaining("crm-secret");
		assertThat(this.store.leases()).isZero();
	}

	@RestController
	static class Generic {

		@PostMapping("/signed/crm")
		@IdempotentWebhook(scope = "crm", header = "X-Event-Id")
		String crm() {
			return "ok";
		}

	}

	@RestController
	public static class Signed {

		private final AtomicInteger handled;

		public Signed(AtomicInteger handled) {
			this.handled = handled;
		}

		@PostMapping("/signed/stripe")
		@IdempotentWebhook(provider = WebhookProvider.STRIPE)
		String stripe(@RequestBody String body) {
			this.handled.incrementAndGet();
			return "handled";
		}

		@PostMapping("/signed/github")
		@IdempotentWebhook(provider = WebhookProvider.GITHUB)
		String github(@RequestBody String body) {
			this.handled.incrementAndGet();
			return "handled";
		}

		@PostMapping("/signed/shopify")
		@IdempotentWebhook(provider = WebhookProvider.SHOPIFY)
		String shopify(@RequestBody String body) {
			this.handled.incrementAndGet();
			return "handled";
		}

		@PostMapping("/signed/slack")
		@IdempotentWebhook(provider = WebhookProvider.SLACK)
		String slack(@RequestBody String body) {
			this.handled.incrementAndGet();
			return "handled";
		}

		@PostMapping("/signed/standard")
		@IdempotentWebhook(provider = WebhookProvider.STANDARD_WEBHOOKS)
		String standard(@RequestBody String body) {
			this.handled.incrementAndGet();
			return "handled";
		}

	}

}
