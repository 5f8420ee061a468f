package tech.onceonly.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Creates API keys and hashes them; a key is only ever kept as its SHA-256. */
public final class ApiKeys {

	/** The prefix of generated keys, as in the hosted API's keys. */
	public static final String PREFIX = "once_live_";

	private static final SecureRandom RANDOM = new SecureRandom();

	private ApiKeys() {
	}

	/** A new key: the prefix and 256 random bits, URL-safe. */
	public static String generate() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** The SHA-256 of the key's UTF-8 bytes. */
	public static byte[] sha256(String key) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	/** The lowercase hex SHA-256 of the key, as configured in {@code key-sha256}. */
	public static String sha256Hex(String key) {
		return HexFormat.of().formatHex(sha256(key));
	}

	/**
	 * The console text of the key generator: the key and the configuration lines that
	 * provision it by hash.
	 * @param key the new key
	 * @param tenant its tenant
	 */
	public static String describeNewKey(String key, String tenant) {
		return "OnceOnly server API key (shown once; store it now, the server keeps only its SHA-256):\n" + "  " + key
				+ "\n" + "Provision it with:\n" + "  onceonly.server.api-keys[0].key-sha256=" + sha256Hex(key) + "\n"
				+ "  onceonly.server.api-keys[0].tenant=" + tenant + "\n";
	}

}
