package tech.onceonly.spring.web.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

import tech.onceonly.spring.annotation.WebhookProvider;

/**
 * Checks a delivery's signature with each provider's published algorithm, all
 * HMAC-SHA256:
 * <ul>
 * <li>Stripe: {@code Stripe-Signature: t=<unix>,v1=<hex>} over {@code <t>.<body>};</li>
 * <li>GitHub: {@code X-Hub-Signature-256: sha256=<hex>} over the body;</li>
 * <li>Shopify: {@code X-Shopify-Hmac-Sha256: <base64>} over the body;</li>
 * <li>Slack: {@code X-Slack-Signature: v0=<hex>} over {@code v0:<timestamp>:<body>} with
 * {@code X-Slack-Request-Timestamp};</li>
 * <li>Standard Webhooks: {@code webhook-signature: v1,<base64> ...} over
 * {@code <webhook-id>.<webhook-timestamp>.<body>}, keyed by the base64 bytes after
 * {@code whsec_}.</li>
 * </ul>
 * Signatures are compared in constant time, any configured secret may match, and a signed
 * timestamp further than the tolerance from now is refused. The reasons returned are
 * fixed texts: they never contain a secret, a signature or the body.
 */
public final class WebhookSignatures {

	private static final String HMAC = "HmacSHA256";

	private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(WebhookSignatures::newMac);

	private WebhookSignatures() {
	}

	/** Whether the provider's deliveries carry a signature this class can check. */
	public static boolean verifiable(WebhookProvider provider) {
		return provider != WebhookProvider.GENERIC;
	}

	/**
	 * Checks a delivery.
	 * @param provider the sender
	 * @param headers the request headers
	 * @param body the raw body bytes, exactly as received
	 * @param secrets the endpoint's secrets
	 * @param now the current time
	 * @return {@code null} when the delivery is genuine, else why it is refused (safe to
	 * show to the caller)
	 */
	public static @Nullable String check(WebhookProvider provider, HttpHeaders headers, byte[] body,
			WebhookSecrets secrets, Instant now) {
		return switch (provider) {
			case STRIPE -> stripe(headers, body, secrets, now);
			case GITHUB -> github(headers, body, secrets);
			case SHOPIFY -> shopify(headers, body, secrets);
			case SLACK -> slack(headers, body, secrets, now);
			case STANDARD_WEBHOOKS -> standardWebhooks(headers, body, secrets, now);
			case GENERIC -> throw new IllegalArgumentException("GENERIC webhooks have no signature scheme to check");
		};
	}

	private static @Nullable String stripe(HttpHeaders headers, byte[] body, WebhookSecrets secrets, Instant now) {
		String header = headers.getFirst("Stripe-Signature");
		if (header == null) {
			return "the Stripe-Signature header is missing";
		}
		String timestamp = null;
		List<byte[]> signatures = new ArrayList<>();
		for (String part : header.split(",")) {
			int eq = part.indexOf('=');
			if (eq < 0) {
				continue;
			}
			String name = part.substring(0, eq).trim();
			String value = part.substring(eq + 1).trim();
			if ("t".equals(name)) {
				timestamp = value;
			}
			else if ("v1".equals(name)) {
				byte[] decoded = hex(value);
				if (decoded != null) {
					signatures.add(decoded);
				}
			}
		}
		if (timestamp == null || signatures.isEmpty()) {
			return "the Stripe-Signature header has no t= timestamp or no v1= signature";
		}
		String stale = checkTimestamp(timestamp, secrets.tolerance(), now, "Stripe-Signature t=");
		if (stale != null) {
			return stale;
		}
		byte[] head = ascii(timestamp + ".");
		return anyMatches(secrets, (secret) -> hmac(utf8(secret), head, body), signatures) ? null
				: "no v1 signature in Stripe-Signature matches a configured secret";
	}

	private static @Nullable String github(HttpHeaders headers, byte[] body, WebhookSecrets secrets) {
		String header = headers.getFirst("X-Hub-Signature-256");
		if (header == null) {
			return "the X-Hub-Signature-256 header is missing";
		}
		byte[] signature = header.startsWith("sha256=") ? hex(header.substring(7).trim()) : null;
		if (signature == null) {
			return "the X-Hub-Signature-256 header is not sha256=<hex>";
		}
		return anyMatches(secrets, (secret) -> hmac(utf8(secret), null, body), List.of(signature)) ? null
				: "X-Hub-Signature-256 does not match a configured secret";
	}

	private static @Nullable String shopify(HttpHeaders headers, byte[] body, WebhookSecrets secrets) {
		String header = headers.getFirst("X-Shopify-Hmac-Sha256");
		if (header == null) {
			return "the X-Shopify-Hmac-Sha256 header is missing";
		}
		byte[] signature = base64(header.trim());
		if (signature == null) {
			return "the X-Shopify-Hmac-Sha256 header is not base64";
		}
		return anyMatches(secrets, (secret) -> hmac(utf8(secret), null, body), List.of(signature)) ? null
				: "X-Shopify-Hmac-Sha256 does not match a configured secret";
	}

	private static @Nullable String slack(HttpHeaders headers, byte[] body, WebhookSecrets secrets, Instant now) {
		String header = headers.getFirst("X-Slack-Signature");
		String timestamp = headers.getFirst("X-Slack-Request-Timestamp");
		if (header == null || timestamp == null) {
			return "the X-Slack-Signature or X-Slack-Request-Timestamp header is missing";
		}
		byte[] signature = header.startsWith("v0=") ? hex(header.substring(3).trim()) : null;
		if (signature == null) {
			return "the X-Slack-Signature header is not v0=<hex>";
		}
		String stale = checkTimestamp(timestamp.trim(), secrets.tolerance(), now, "X-Slack-Request-Timestamp");
		if (stale != null) {
			return stale;
		}
		byte[] head = ascii("v0:" + timestamp.trim() + ":");
		return anyMatches(secrets, (secret) -> hmac(utf8(secret), head, body), List.of(signature)) ? null
				: "X-Slack-Signature does not match a configured secret";
	}

	private static @Nullable String standardWebhooks(HttpHeaders headers, byte[] body, WebhookSecrets secrets,
			Instant now) {
		String id = headers.getFirst("webhook-id");
		String timestamp = headers.getFirst("webhook-timestamp");
		String header = headers.getFirst("webhook-signature");
		if (id == null || timestamp == null || header == null) {
			return "the webhook-id, webhook-timestamp or webhook-signature header is missing";
		}
		List<byte[]> signatures = new ArrayList<>();
		for (String part : header.trim().split(" ")) {
			if (part.startsWith("v1,")) {
				byte[] decoded = base64(part.substring(3));
				if (decoded != null) {
					signatures.add(decoded);
				}
			}
		}
		if (signatures.isEmpty()) {
			return "the webhook-signature header has no v1,<base64> signature";
		}
		String stale = checkTimestamp(timestamp.trim(), secrets.tolerance(), now, "webhook-timestamp");
		if (stale != null) {
			return stale;
		}
		byte[] head = utf8(id + "." + timestamp.trim() + ".");
		return anyMatches(secrets, (secret) -> {
			byte[] key = base64(secret.startsWith("whsec_") ? secret.substring(6) : secret);
			return (key != null) ? hmac(key, head, body) : null;
		}, signatures) ? null : "no v1 signature in webhook-signature matches a configured secret";
	}

	private static @Nullable String checkTimestamp(String timestamp, Duration tolerance, Instant now, String where) {
		long seconds;
		try {
			seconds = Long.parseLong(timestamp);
		}
		catch (NumberFormatException ex) {
			return where + " is not a Unix time in seconds";
		}
		long distance = Math.abs(now.getEpochSecond() - seconds);
		if (distance > tolerance.toSeconds()) {
			return where + " is more than " + tolerance.toSeconds()
					+ " s from now; the delivery is refused as a possible replay";
		}
		return null;
	}

	private static boolean anyMatches(WebhookSecrets secrets, Signer signer, List<byte[]> signatures) {
		boolean matched = false;
		for (String secret : secrets.secrets()) {
			byte[] expected = signer.sign(secret);
			if (expected == null) {
				continue;
			}
			for (byte[] signature : signatures) {
				// no early exit: every candidate is compared, each in constant time
				matched |= MessageDigest.isEqual(expected, signature);
			}
		}
		return matched;
	}

	/**
	 * HMAC-SHA256 of {@code head} followed by {@code body}, fed in two parts so the body
	 * is not copied, on this thread's {@link Mac} (looked up once per thread, re-keyed
	 * per call).
	 */
	private static byte[] hmac(byte[] key, byte @Nullable [] head, byte[] body) {
		Mac mac = MACS.get();
		try {
			mac.init(new SecretKeySpec(key, HMAC));
		}
		catch (GeneralSecurityException ex) {
			// never carries the key
			throw new IllegalStateException("HmacSHA256 refused the signing key", null);
		}
		if (head != null) {
			mac.update(head);
		}
		return mac.doFinal(body);
	}

	private static Mac newMac() {
		try {
			return Mac.getInstance(HMAC);
		}
		catch (GeneralSecurityException ex) {
			// HmacSHA256 is in every JDK
			throw new IllegalStateException("HmacSHA256 is not available", null);
		}
	}

	private static byte @Nullable [] hex(String value) {
		try {
			return HexFormat.of().parseHex(value);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static byte @Nullable [] base64(String value) {
		try {
			return Base64.getDecoder().decode(value.trim());
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@FunctionalInterface
	private interface Signer {

		byte @Nullable [] sign(String secret);

	}

}
