package tech.onceonly.spring.web.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

import tech.onceonly.spring.annotation.WebhookProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The signature schemes against the providers' published example vectors and their replay
 * windows.
 */
class WebhookSignaturesTests {

	private static HttpHeaders headers(String... namesAndValues) {
		HttpHeaders headers = new HttpHeaders();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			headers.add(namesAndValues[i], namesAndValues[i + 1]);
		}
		return headers;
	}

	private static byte[] bytes(String body) {
		return body.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void githubPublishedExampleShouldVerify() {
		// docs.github.com "Validating webhook deliveries": secret, payload and signature
		HttpHeaders headers = headers("X-Hub-Signature-256",
				"sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
		assertThat(WebhookSignatures.check(WebhookProvider.GITHUB, headers, bytes("Hello, World!"),
				WebhookSecrets.of("It's a Secret to Everybody"), Instant.now()))
			.isNull();
		assertThat(WebhookSignatures.check(WebhookProvider.GITHUB, headers, bytes("Hello, World?"),
				WebhookSecrets.of("It's a Secret to Everybody"), Instant.now()))
			.isNotNull();
	}

	@Test
	void slackPublishedExampleShouldVerifyInsideItsWindowOnly() {
		// api.slack.com "Verifying requests from Slack": the worked example
		String body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
				+ "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
				+ "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
				+ "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
		HttpHeaders headers = headers("X-Slack-Request-Timestamp", "1531420618", "X-Slack-Signature",
				"v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
		WebhookSecrets secrets = WebhookSecrets.of("8f742231b10e8888abcd99yyyzzz85a5");
		Instant signedAt = Instant.ofEpochSecond(1531420618);
		assertThat(WebhookSignatures.check(WebhookProvider.SLACK, headers, bytes(body), secrets,
				signedAt.plusSeconds(299)))
			.isNull();
		assertThat(WebhookSignatures.check(WebhookProvider.SLACK, headers, bytes(body), secrets,
				signedAt.plusSeconds(301)))
			.contains("refused as a possible replay");
	}

	@Test
	void standardWebhooksReferenceExampleShouldVerifyWithAnyOfSeveralSignatures() {
		// the Standard Webhooks reference libraries' test vector
		String body = "{\"test\": 2432232314}";
		WebhookSecrets secrets = WebhookSecrets.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
		HttpHeaders headers = headers("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-timestamp", "1614265330",
				"webhook-signature",
				"v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
		Instant signedAt = Instant.ofEpochSecond(1614265330);
		assertThat(WebhookSignatures.check(WebhookProvider.STANDARD_WEBHOOKS, headers, bytes(body), secrets, signedAt))
			.isNull();
		assertThat(WebhookSignatures.check(WebhookProvider.STANDARD_WEBHOOKS, headers, bytes(body), secrets,
				signedAt.minusSeconds(301)))
			.contains("refused as a possible replay");
	}

	@Test
	void stripeShouldAcceptAnyRotatedSecretAndRefuseOldTimestamps() {
		String body = "{\"id\":\"evt_1\"}";
		long t = 1_767_225_600L;
		HttpHeaders headers = headers("Stripe-Signature", Signing.stripe("whsec_new", t, body) + ",v0=ignored");
		Instant now = Instant.ofEpochSecond(t);
		assertThat(WebhookSignatures.check(WebhookProvider.STRIPE, headers, bytes(body),
				new WebhookSecrets(List.of("whsec_old", "whsec_new"), Duration.ofMinutes(5)), now))
			.isNull();
		assertThat(WebhookSignatures.check(WebhookProvider.STRIPE, headers, bytes(body), WebhookSecrets.of("whsec_old"),
				now))
			.isEqualTo("no v1 signature in Stripe-Signature matches a configured secret");
		assertThat(WebhookSignatures.check(WebhookProvider.STRIPE, headers, bytes(body), WebhookSecrets.of("whsec_new"),
				now.plus(Duration.ofMinutes(6))))
			.contains("refused as a possible replay");
	}

	@Test
	void shopifyShouldCompareTheBase64Digest() {
		String body = "{\"id\":1}";
		assertThat(WebhookSignatures.check(WebhookProvider.SHOPIFY,
				headers("X-Shopify-Hmac-Sha256", Signing.shopify("shpss_1", body)), bytes(body),
				WebhookSecrets.of("shpss_1"), Instant.now()))
			.isNull();
		assertThat(WebhookSignatures.check(WebhookProvider.SHOPIFY,
				headers("X-Shopify-Hmac-Sha256", Signing.shopify("shpss_1", body)), bytes(body + " "),
				WebhookSecrets.of("shpss_1"), Instant.now()))
			.isNotNull();
	}

	@Test
	void concurrentChecksWithDifferentSecretsShouldEachUseTheirOwnKey() throws Exception {
		// each thread re-keys its own Mac per check: checks of different endpoints on the
		// same threads never see another's key
		long t = 1_767_225_600L;
		Instant now = Instant.ofEpochSecond(t);
		int threads = 8;
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
		try {
			List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
			for (int n = 0; n < threads; n++) {
				int thread = n;
				results.add(pool.submit(() -> {
					int wrong = 0;
					for (int i = 0; i < 300; i++) {
						String secret = "whsec_" + thread + "_" + (i % 3);
						String body = "{\"id\":\"evt_" + thread + "_" + i + "\"}";
						HttpHeaders signed = headers("Stripe-Signature", Signing.stripe(secret, t, body));
						boolean genuine = WebhookSignatures.check(WebhookProvider.STRIPE, signed, bytes(body),
								WebhookSecrets.of(secret), now) == null;
						boolean forged = WebhookSignatures.check(WebhookProvider.STRIPE, signed, bytes(body),
								WebhookSecrets.of(secret + "x"), now) == null;
						boolean github = WebhookSignatures.check(WebhookProvider.GITHUB,
								headers("X-Hub-Signature-256", Signing.github(secret, body)), bytes(body),
								WebhookSecrets.of(secret), now) == null;
						wrong += (genuine && !forged && github) ? 0 : 1;
					}
					return wrong;
				}));
			}
			for (java.util.concurrent.Future<Integer> result : results) {
				assertThat(result.get(30, java.util.concurrent.TimeUnit.SECONDS)).isZero();
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void secretsShouldNotShowInToString() {
		assertThat(new WebhookSecrets(List.of("whsec_topsecret", "whsec_other"), Duration.ofMinutes(5)).toString())
			.doesNotContain("topsecret")
			.doesNotContain("other");
	}

}
