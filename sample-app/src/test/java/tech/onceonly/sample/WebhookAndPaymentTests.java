package tech.onceonly.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample's webhook and Idempotency-Key payment intent endpoints over real HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebhookAndPaymentTests {

	private static final int DELIVERIES = 20;

	@LocalServerPort
	private int port;

	@Autowired
	private StripeEvents events;

	@Autowired
	private PaymentIntentController payments;

	@Value("${onceonly.webhook.endpoints.stripe.secret}")
	private String stripeSecret;

	private final HttpClient http = HttpClient.newHttpClient();

	private final ExecutorService pool = Executors.newFixedThreadPool(DELIVERIES);

	@AfterEach
	void tearDown() {
		this.pool.shutdownNow();
	}

	private HttpRequest.Builder post(String path) {
		return HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("Content-Type", "application/json");
	}

	/**
	 * A delivery signed as Stripe signs it:
	 * {@code t=<now>,v1=hex(HMAC-SHA256(secret, t.body))}.
	 */
	private HttpRequest stripeDelivery(String event) throws Exception {
		long t = Instant.now().getEpochSecond();
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(this.stripeSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		String v1 = HexFormat.of().formatHex(mac.doFinal((t + "." + event).getBytes(StandardCharsets.UTF_8)));
		return post("/webhooks/stripe").header("Stripe-Signature", "t=" + t + ",v1=" + v1)
			.POST(HttpRequest.BodyPublishers.ofString(event))
			.build();
	}

	@Test
	void stripeDeliveryWithoutAValidSignatureShouldBeRefusedAndNotProcessed() throws Exception {
		String eventId = "evt_" + UUID.randomUUID();
		String event = "{\"id\":\"" + eventId + "\",\"object\":\"event\",\"type\":\"checkout.session.completed\"}";
		HttpResponse<String> unsigned = this.http.send(
				post("/webhooks/stripe").POST(HttpRequest.BodyPublishers.ofString(event)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(unsigned.statusCode()).isEqualTo(401);
		assertThat(unsigned.body()).doesNotContain(eventId).doesNotContain(this.stripeSecret);
		HttpResponse<String> forged = this.http.send(post("/webhooks/stripe")
			.header("Stripe-Signature", "t=" + Instant.now().getEpochSecond() + ",v1=" + "ab".repeat(32))
			.POST(HttpRequest.BodyPublishers.ofString(event))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(forged.statusCode()).isEqualTo(401);
		assertThat(this.events.timesProcessed(eventId)).isZero();
		assertThat(this.http.send(stripeDelivery(event), HttpResponse.BodyHandlers.ofString()).statusCode())
			.isEqualTo(200);
		assertThat(this.events.timesProcessed(eventId)).isEqualTo(1);
	}

	@Test
	void twentyConcurrentDeliveriesOfOneEventShouldBeProcessedOnce() throws Exception {
		String eventId = "evt_" + UUID.randomUUID();
		String event = "{\"id\":\"" + eventId + "\",\"object\":\"event\",\"type\":\"checkout.session.completed\"}";
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Integer>> answers = new ArrayList<>();
		for (int i = 0; i < DELIVERIES; i++) {
			answers.add(this.pool.submit(() -> {
				start.await();
				HttpRequest request = stripeDelivery(event);
				return this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
			}));
		}
		start.countDown();
		List<Integer> statuses = new ArrayList<>();
		for (Future<Integer> answer : answers) {
			statuses.add(answer.get(30, TimeUnit.SECONDS));
		}
		assertThat(statuses).hasSize(DELIVERIES).allMatch((status) -> (status >= 200 && status < 300) || status == 409);
		assertThat(this.events.timesProcessed(eventId)).isEqualTo(1);
		HttpResponse<String> late = this.http.send(stripeDelivery(event), HttpResponse.BodyHandlers.ofString());
		assertThat(late.statusCode()).isEqualTo(200);
		assertThat(late.body()).contains("duplicate");
		assertThat(this.events.timesProcessed(eventId)).isEqualTo(1);
	}

	@Test
	void paymentIntentRetryShouldReplayTheFirstResponseByteForByte() throws Exception {
		String key = "\"" + UUID.randomUUID() + "\"";
		String body = "{\"amount\":49.90,\"currency\":\"eur\"}";
		int chargesBefore = this.payments.chargeCount();
		HttpRequest request = post("/payment-intents").header("Idempotency-Key", key)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		HttpResponse<byte[]> first = this.http.send(request, HttpResponse.BodyHandlers.ofByteArray());
		HttpResponse<byte[]> retry = this.http.send(request, HttpResponse.BodyHandlers.ofByteArray());
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(retry.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
		assertThat(retry.headers().firstValue("Content-Type")).isEqualTo(first.headers().firstValue("Content-Type"));
		assertThat(retry.body()).isNotEmpty().isEqualTo(first.body());
		assertThat(this.payments.chargeCount()).isEqualTo(chargesBefore + 1);

		HttpResponse<String> otherPayload = this.http.send(post("/payment-intents").header("Idempotency-Key", key)
			.POST(HttpRequest.BodyPublishers.ofString("{\"amount\":99.00,\"currency\":\"eur\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(otherPayload.statusCode()).isEqualTo(422);
		assertThat(otherPayload.headers().firstValue("Content-Type")).hasValue("application/problem+json");

		HttpRequest withoutKey = post("/payment-intents").POST(HttpRequest.BodyPublishers.ofString(body)).build();
		HttpResponse<String> noKey = this.http.send(withoutKey, HttpResponse.BodyHandlers.ofString());
		assertThat(noKey.statusCode()).isEqualTo(400);
		assertThat(this.payments.chargeCount()).isEqualTo(chargesBefore + 1);
	}

}
