package tech.onceonly.signing;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import tech.onceonly.Internal;

/**
 * The signing of OnceOnly's calls to registered tools: {@value #SIGNATURE_HEADER} is the
 * lowercase hex HMAC-SHA256 of the raw body bytes keyed by the secret's UTF-8 bytes,
 * {@value #ALGORITHM_HEADER} is {@value #ALGORITHM}, and {@value #TIMESTAMP_HEADER} is
 * the Unix time in seconds (not signed; checked against a window by the receiver).
 */
@Internal
public final class ToolSignatures {

	/** The signature header. */
	public static final String SIGNATURE_HEADER = "X-OnceOnly-Signature";

	/** The algorithm header. */
	public static final String ALGORITHM_HEADER = "X-OnceOnly-Signature-Alg";

	/** The timestamp header. */
	public static final String TIMESTAMP_HEADER = "X-OnceOnly-Timestamp";

	/** The only algorithm. */
	public static final String ALGORITHM = "hmac_sha256";

	private ToolSignatures() {
	}

	/** The lowercase hex HMAC-SHA256 of {@code body} keyed by {@code secret}. */
	public static String sign(byte[] body, String secret) {
		return HexFormat.of().formatHex(mac(body, secret));
	}

	/**
	 * True when {@code signatureHex} is the signature of {@code body} under
	 * {@code secret}, compared in constant time; a malformed signature is false.
	 */
	public static boolean matches(byte[] body, String secret, String signatureHex) {
		byte[] given;
		try {
			given = HexFormat.of().parseHex(signatureHex.trim().toLowerCase(java.util.Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		return MessageDigest.isEqual(mac(body, secret), given);
	}

	private static byte[] mac(byte[] body, String secret) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return mac.doFinal(body);
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	/** The lowercase hex SHA-256 of {@code bytes}. */
	public static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
