package tech.onceonly.spring.web.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.client.AiRun;
import tech.onceonly.client.AiStatus;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.web.RecordedObservations;
import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.annotation.WebhookProvider;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * {@code @IdempotentWebhook} on Spring MVC, on the local engine and the in-memory store.
 */
class WebhookIdempotencyInterceptorTests {

	private final MutableClock clock = MutableClock.startingAt2026();

	private final LocalOnceOnly onceOnly = new LocalOnceOnly(new InMemoryStore(this.clock));

	private final RecordedObservations observations = new RecordedObservations();

	private final Hooks hooks = new Hooks();

	private MockMvc mvc;

	@BeforeEach
	void setUp() {
		this.mvc = mvc(WebhookSettings.defaults());
	}

	@AfterEach
	void tearDown() {
		this.onceOnly.close();
	}

	private MockMvc mvc(WebhookSettings settings) {
		return MockMvcBuilders.standaloneSetup(new Webhooks(this.hooks))
			.addFilters(new WebhookBodyCachingFilter(settings.maxBodyBytes()))
			.addInterceptors(new WebhookIdempotencyInterceptor(this.onceOnly, settings, this.observations.registry()))
			.build();
	}

	private static String stripeEvent(String id) {
		return "{\"id\":\"" + id + "\",\"type\":\"payment_intent.succeeded\",\"data\":{\"object\":{\"id\":\"pi_1\"}}}";
	}

	private static MockHttpServletRequestBuilder stripe(String id) {
		return post("/webhooks/stripe").contentType(MediaType.APPLICATION_JSON).content(stripeEvent(id));
	}

	@Test
	void stripeRedeliveryShouldBeAnsweredWithoutRunningTheHandler() throws Exception {
		this.mvc.perform(stripe("evt_1")).andExpect(status().isOk()).andExpect(content().string("handled evt_1"));
		this.mvc.perform(stripe("evt_1"))
			.andExpect(status().isOk())
			.andExpect(header().string("Idempotent-Replayed", "true"))
			.andExpect(content().contentType(MediaType.APPLICATION_JSON))
			.andExpect(jsonPath("$.status").value("duplicate"));
		assertThat(this.hooks.stripe.get()).isEqualTo(1);
		assertThat(this.onceOnly.ai().status("webhook:stripe:evt_1").status()).isEqualTo("completed");
	}

	@Test
	void handlerShouldStillReadTheBody() throws Exception {
		this.mvc.perform(stripe("evt_b")).andExpect(content().string("handled evt_b"));
		assertThat(this.hooks.bodies).containsExactly(stripeEvent("evt_b"));
	}

	@Test
	void otherEventShouldRun() throws Exception {
		this.mvc.perform(stripe("evt_2"));
		this.mvc.perform(stripe("evt_3")).andExpect(content().string("handled evt_3"));
		assertThat(this.hooks.stripe.get()).isEqualTo(2);
	}

	@Test
	void githubDeliveryHeaderShouldKeyTheDelivery() throws Exception {
		for (int i = 0; i < 3; i++) {
			this.mvc.perform(post("/webhooks/github").header("X-GitHub-Delivery", "72d3162e").content("{}"))
				.andExpect(status().isOk());
		}
		assertThat(this.hooks.other.get()).isEqualTo(1);
		assertThat(this.onceOnly.ai().status("webhook:github:72d3162e").status()).isEqualTo("completed");
	}

	@Test
	void shopifyAndStandardWebhooksHeadersShouldKeyTheDelivery() throws Exception {
		this.mvc.perform(post("/webhooks/shopify").header("X-Shopify-Webhook-Id", "s-1").content("{}"));
		this.mvc.perform(post("/webhooks/shopify").header("X-Shopify-Webhook-Id", "s-1").content("{}"))
			.andExpect(jsonPath("$.status").value("duplicate"));
		this.mvc.perform(post("/webhooks/standard").header("webhook-id", "msg_1").content("{}"));
		this.mvc.perform(post("/webhooks/standard").header("webhook-id", "msg_1").content("{}"))
			.andExpect(jsonPath("$.status").value("duplicate"));
		assertThat(this.hooks.other.get()).isEqualTo(2);
		assertThat(this.onceOnly.ai().status("webhook:shopify:s-1").status()).isEqualTo("completed");
		assertThat(this.onceOnly.ai().status("webhook:standard-webhooks:msg_1").status()).isEqualTo("completed");
	}

	@Test
	void slackShouldUseEventIdAndLetUrlVerificationThrough() throws Exception {
		String event = "{\"type\":\"event_callback\",\"event_id\":\"Ev1\",\"event\":{}}";
		this.mvc.perform(post("/webhooks/slack").contentType(MediaType.APPLICATION_JSON).content(event));
		this.mvc.perform(post("/webhooks/slack").contentType(MediaType.APPLICATION_JSON).content(event))
			.andExpect(jsonPath("$.status").value("duplicate"));
		String verification = "{\"type\":\"url_verification\",\"challenge\":\"abc\"}";
		this.mvc.perform(post("/webhooks/slack").contentType(MediaType.APPLICATION_JSON).content(verification))
			.andExpect(status().isOk());
		this.mvc.perform(post("/webhooks/slack").contentType(MediaType.APPLICATION_JSON).content(verification))
			.andExpect(status().isOk());
		assertThat(this.hooks.other.get()).isEqualTo(3);
	}

	@Test
	void sameIdFromDifferentProvidersShouldNotCollide() throws Exception {
		this.mvc.perform(post("/webhooks/github").header("X-GitHub-Delivery", "same").content("{}"));
		this.mvc.perform(post("/webhooks/shopify").header("X-Shopify-Webhook-Id", "same").content("{}"))
			.andExpect(status().isOk());
		assertThat(this.hooks.other.get()).isEqualTo(2);
	}

	@Test
	void genericHeaderShouldBeScopedByRoute() throws Exception {
		this.mvc.perform(post("/webhooks/generic/a").header("X-Event-Id", "e1"));
		this.mvc.perform(post("/webhooks/generic/b").header("X-Event-Id", "e1"));
		this.mvc.perform(post("/webhooks/generic/a").header("X-Event-Id", "e1"))
			.andExpect(jsonPath("$.status").value("duplicate"));
		assertThat(this.hooks.other.get()).isEqualTo(1);
		assertThat(this.onceOnly.ai().status("webhook:/webhooks/generic/{tenant}:e1").status()).isEqualTo("completed");
	}

	@Test
	void spelKeyShouldReadHeadersPathVariablesParamsAndBody() throws Exception {
		String body = "{\"data\":{\"object\":{\"id\":\"obj_9\"}}}";
		this.mvc
			.perform(post("/webhooks/spel/acme").queryParam("v", "2")
				.header("X-Source", "crm")
				.contentType(MediaType.APPLICATION_JSON)
				.content(body))
			.andExpect(status().isOk());
		this.mvc
			.perform(post("/webhooks/spel/acme").queryParam("v", "2")
				.header("x-source", "crm")
				.contentType(MediaType.APPLICATION_JSON)
				.content(body))
			.andExpect(jsonPath("$.status").value("duplicate"));
		assertThat(this.hooks.other.get()).isEqualTo(1);
		assertThat(this.onceOnly.ai().status("webhook:spel:crm/acme/2/obj_9").status()).isEqualTo("completed");
	}

	@Test
	void missingIdShouldBe400ProblemDetails() throws Exception {
		this.mvc.perform(post("/webhooks/github").content("{}"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentType("application/problem+json"))
			.andExpect(jsonPath("$.type").value("https://onceonly.tech/problems/webhook-id-missing"))
			.andExpect(jsonPath("$.title").value("Webhook delivery id missing"))
			.andExpect(jsonPath("$.status").value(400))
			.andExpect(jsonPath("$.detail").value("The request has no X-GitHub-Delivery header"));
		this.mvc.perform(post("/webhooks/stripe").contentType(MediaType.APPLICATION_JSON).content("{\"type\":\"x\"}"))
			.andExpect(status().isBadRequest());
		this.mvc.perform(post("/webhooks/spel/acme").contentType(MediaType.APPLICATION_JSON).content("{}"))
			.andExpect(status().isBadRequest());
		assertThat(this.hooks.other.get() + this.hooks.stripe.get()).isZero();
	}

	@Test
	void deliveryInFlightShouldGet409WithRetryAfter() throws Exception {
		AiRun held = this.onceOnly.ai().lease("webhook:stripe:evt_busy", Duration.ofMinutes(5), null);
		assertThat(held.acquired()).isTrue();
		this.mvc.perform(stripe("evt_busy"))
			.andExpect(status().isConflict())
			.andExpect(header().exists("Retry-After"))
			.andExpect(content().contentType("application/problem+json"))
			.andExpect(jsonPath("$.status").value(409));
		assertThat(this.hooks.stripe.get()).isZero();
	}

	@Test
	void leaseOfACrashedHandlerShouldExpireAndTheRetryRun() throws Exception {
		this.onceOnly.ai().lease("webhook:stripe:evt_crash", Duration.ofMinutes(5), null);
		this.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
		this.mvc.perform(stripe("evt_crash"))
			.andExpect(status().isOk())
			.andExpect(content().string("handled evt_crash"));
		assertThat(this.hooks.stripe.get()).isEqualTo(1);
	}

	@Test
	void handlerThatThrowsShouldReleaseTheKeySoTheRetryRuns() {
		this.hooks.failures.add(new IllegalStateException("database down"));
		assertThatThrownBy(() -> this.mvc.perform(stripe("evt_fail"))).hasRootCauseMessage("database down");
		AiStatus afterFailure = this.onceOnly.ai().status("webhook:stripe:evt_fail");
		assertThat(afterFailure.status()).isEqualTo("released");
		assertThat(this.hooks.stripe.get()).isEqualTo(1);
	}

	@Test
	void retryAfterAFailedHandlerShouldRunAgain() throws Exception {
		this.hooks.failures.add(new IllegalStateException("database down"));
		assertThatThrownBy(() -> this.mvc.perform(stripe("evt_retry")));
		this.mvc.perform(stripe("evt_retry"))
			.andExpect(status().isOk())
			.andExpect(content().string("handled evt_retry"));
		assertThat(this.hooks.stripe.get()).isEqualTo(2);
	}

	@Test
	void handlerAnswering5xxOr4xxShouldReleaseTheKey() throws Exception {
		this.mvc.perform(post("/webhooks/status/503").header("X-Event-Id", "e5"))
			.andExpect(status().isServiceUnavailable());
		assertThat(this.onceOnly.ai().status("webhook:status:e5").status()).isEqualTo("released");
		this.mvc.perform(post("/webhooks/status/401").header("X-Event-Id", "e4")).andExpect(status().isUnauthorized());
		assertThat(this.onceOnly.ai().status("webhook:status:e4").status()).isEqualTo("released");
		this.mvc.perform(post("/webhooks/status/202").header("X-Event-Id", "e4")).andExpect(status().isAccepted());
		assertThat(this.onceOnly.ai().status("webhook:status:e4").status()).isEqualTo("completed");
	}

	@Test
	void duplicateStatusShouldBeConfigurable() throws Exception {
		MockMvc custom = mvc(new WebhookSettings(Duration.ofMinutes(5), 202, 1024, Duration.ofSeconds(3)));
		custom.perform(post("/webhooks/github").header("X-GitHub-Delivery", "d1"));
		custom.perform(post("/webhooks/github").header("X-GitHub-Delivery", "d1")).andExpect(status().isAccepted());
		this.onceOnly.ai().lease("webhook:github:d2", Duration.ofMinutes(5), null);
		custom.perform(post("/webhooks/github").header("X-GitHub-Delivery", "d2"))
			.andExpect(status().isConflict())
			.andExpect(header().string("Retry-After", "5"));
	}

	@Test
	void bodyOverTheLimitShouldBe413() throws Exception {
		MockMvc small = mvc(new WebhookSettings(Duration.ofMinutes(5), 200, 16, Duration.ofSeconds(1)));
		small.perform(stripe("evt_big"))
			.andExpect(status().isPayloadTooLarge())
			.andExpect(jsonPath("$.status").value(413));
		small.perform(post("/webhooks/github").header("X-GitHub-Delivery", "small").content("x".repeat(64)))
			.andExpect(status().isOk());
		assertThat(this.hooks.stripe.get()).isZero();
	}

	@Test
	void backendFailureShouldBe503SoTheProviderRetries() throws Exception {
		LocalOnceOnly closed = new LocalOnceOnly(new InMemoryStore(this.clock, 1));
		closed.ai().lease("fill", Duration.ofMinutes(5), null);
		MockMvc full = MockMvcBuilders.standaloneSetup(new Webhooks(this.hooks))
			.addFilters(new WebhookBodyCachingFilter(1024))
			.addInterceptors(new WebhookIdempotencyInterceptor(closed, WebhookSettings.defaults(), null))
			.build();
		full.perform(post("/webhooks/github").header("X-GitHub-Delivery", "x"))
			.andExpect(status().isServiceUnavailable())
			.andExpect(header().exists("Retry-After"));
		assertThat(this.hooks.other.get()).isZero();
		closed.close();
	}

	@Test
	void observationsShouldCarryProviderAndOutcomeButNeverTheId() throws Exception {
		this.mvc.perform(stripe("evt_o"));
		this.mvc.perform(stripe("evt_o"));
		this.mvc.perform(post("/webhooks/github").content("{}"));
		assertThat(this.observations.stopped()).allSatisfy((context) -> {
			assertThat(context.getName()).isEqualTo("onceonly.webhook");
			assertThat(context.getHighCardinalityKeyValues()).isEmpty();
		});
		List<String> outcomes = this.observations.stopped()
			.stream()
			.map((context) -> context.getLowCardinalityKeyValue("provider").getValue() + "/"
					+ context.getLowCardinalityKeyValue("outcome").getValue())
			.toList();
		assertThat(this.observations.summaries()).allSatisfy((line) -> assertThat(line).doesNotContain("evt_o"));
		assertThat(outcomes).containsExactly("stripe/executed", "stripe/duplicate", "github/rejected");
	}

	@Test
	void genericWithoutHeaderOrKeyShouldFailNamingTheMethod() {
		WebhookEndpoints endpoints = new WebhookEndpoints();
		assertThatThrownBy(() -> endpoints.find(Misconfigured.class.getDeclaredMethod("handle"), Misconfigured.class))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("Misconfigured#handle")
			.hasMessageContaining("header");
	}

	@Test
	void invalidExpressionShouldFailNamingTheExpression() {
		WebhookEndpoints endpoints = new WebhookEndpoints();
		assertThatThrownBy(() -> endpoints.find(Misconfigured.class.getDeclaredMethod("badKey"), Misconfigured.class))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("Misconfigured#badKey")
			.hasMessageContaining("#body[");
	}

	static final class Hooks {

		final AtomicInteger stripe = new AtomicInteger();

		final AtomicInteger other = new AtomicInteger();

		final List<String> bodies = new ArrayList<>();

		final List<RuntimeException> failures = new ArrayList<>();

	}

	@RestController
	static class Webhooks {

		private final Hooks hooks;

		Webhooks(Hooks hooks) {
			this.hooks = hooks;
		}

		@PostMapping("/webhooks/stripe")
		@IdempotentWebhook(provider = WebhookProvider.STRIPE)
		String stripe(@RequestBody String body) {
			this.hooks.stripe.incrementAndGet();
			this.hooks.bodies.add(body);
			if (!this.hooks.failures.isEmpty()) {
				throw this.hooks.failures.remove(0);
			}
			return "handled " + body.substring(7, body.indexOf('"', 7));
		}

		@PostMapping("/webhooks/github")
		@IdempotentWebhook(provider = WebhookProvider.GITHUB)
		String github() {
			this.hooks.other.incrementAndGet();
			return "ok";
		}

		@PostMapping("/webhooks/shopify")
		@IdempotentWebhook(provider = WebhookProvider.SHOPIFY)
		String shopify() {
			this.hooks.other.incrementAndGet();
			return "ok";
		}

		@PostMapping("/webhooks/standard")
		@IdempotentWebhook(provider = WebhookProvider.STANDARD_WEBHOOKS)
		String standard() {
			this.hooks.other.incrementAndGet();
			return "ok";
		}

		@PostMapping("/webhooks/slack")
		@IdempotentWebhook(provider = WebhookProvider.SLACK)
		String slack(@RequestBody Map<String, Object> body) {
			this.hooks.other.incrementAndGet();
			return String.valueOf(body.getOrDefault("challenge", "ok"));
		}

		@PostMapping("/webhooks/generic/{tenant}")
		@IdempotentWebhook(header = "X-Event-Id")
		String generic(@PathVariable String tenant) {
			this.hooks.other.incrementAndGet();
			return tenant;
		}

		@PostMapping("/webhooks/spel/{tenant}")
		@IdempotentWebhook(scope = "spel",
				key = "#headers['X-Source'] + '/' + #pathVariables['tenant'] + '/' + #params['v'] + '/'"
						+ " + #body.data.object.id")
		String spel(@RequestBody String body) {
			this.hooks.other.incrementAndGet();
			return "ok";
		}

		@PostMapping("/webhooks/status/{code}")
		@IdempotentWebhook(header = "X-Event-Id", scope = "status")
		ResponseEntity<String> status(@PathVariable int code) {
			return ResponseEntity.status(code).body("answered " + code);
		}

	}

	static class Misconfigured {

		@IdempotentWebhook
		void handle() {
		}

		@IdempotentWebhook(key = "#body[")
		void badKey() {
		}

	}

}
