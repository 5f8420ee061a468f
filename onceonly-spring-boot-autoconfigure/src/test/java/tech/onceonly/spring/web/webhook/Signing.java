package tech.onceonly.spring.web.webhook;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs test deliveries the way each provider documents it, independently of the code
 * under test.
 */
public final class Signing {

	private Signing() {
	}

	static byte[] hmacSha256(byte[] key, String data) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static String hex(byte[] bytes) {
		return HexFormat.of().formatHex(bytes);
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/** {@code Stripe-Signature}: {@code t=<t>,v1=hex(HMAC(secret, t.body))}. */
	public static String stripe(String secret, long t, String body) {
		return "t=" + t + ",v1=" + hex(hmacSha256(utf8(secret), t + "." + body));
	}

	/** {@code X-Hub-Signature-256}: {@code sha256=hex(HMAC(secret, body))}. */
	public static String github(String secret, String body) {
		return "sha256=" + hex(hmacSha256(utf8(secret), body));
	}

	/** {@code X-Shopify-Hmac-Sha256}: {@code base64(HMAC(secret, body))}. */
	public static String shopify(String secret, String body) {
		return Base64.getEncoder().encodeToString(hmacSha256(utf8(secret), body));
	}

	/** {@code X-Slack-Signature}: {@code v0=hex(HMAC(secret, v0:ts:body))}. */
	public static String slack(String secret, long ts, String body) {
		return "v0=" + hex(hmacSha256(utf8(secret), "v0:" + ts + ":" + body));
	}

	/**
	 * {@code webhook-signature}:
	 * {@code v1,base64(HMAC(base64decode(secret without whsec_),
	 * id.ts.body))}.
	 */
	public static String standardWebhooks(String secret, String id, long ts, String body) {
		byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
		return "v1," + Base64.getEncoder().encodeToString(hmacSha256(key, id + "." + ts + "." + body));
	}

}
