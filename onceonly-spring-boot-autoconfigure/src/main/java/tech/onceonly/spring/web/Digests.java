package tech.onceonly.spring.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests as lowercase hex. */
public final class Digests {

	private static final HexFormat HEX = HexFormat.of();

	/**
	 * A digest that is never updated, only cloned: cloning skips the security provider
	 * lookup of {@link MessageDigest#getInstance(String)} on every request.
	 */
	private static final MessageDigest PROTOTYPE = newSha256();

	private static final boolean CLONEABLE = cloneable();

	private Digests() {
	}

	/** A new SHA-256 digest (every JVM has it). */
	public static MessageDigest sha256() {
		if (CLONEABLE) {
			try {
				return (MessageDigest) PROTOTYPE.clone();
			}
			catch (CloneNotSupportedException ex) {
				// checked once at startup; a provider that changes its mind gets a new
				// one
			}
		}
		return newSha256();
	}

	/** The SHA-256 of the UTF-8 bytes of {@code text}, as 64 lowercase hex characters. */
	public static String sha256Hex(String text) {
		return hex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
	}

	/** {@code bytes} as lowercase hex. */
	public static String hex(byte[] bytes) {
		return HEX.formatHex(bytes);
	}

	private static MessageDigest newSha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	private static boolean cloneable() {
		try {
			PROTOTYPE.clone();
			return true;
		}
		catch (CloneNotSupportedException ex) {
			return false;
		}
	}

}
