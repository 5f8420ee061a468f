package tech.onceonly.server.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8},
 * or a single address).
 */
public final class CidrRange {

	private final byte[] network;

	private final int prefix;

	private CidrRange(byte[] network, int prefix) {
		this.network = network;
		this.prefix = prefix;
	}

	/**
	 * Parses a literal range; never resolves host names.
	 * @throws IllegalArgumentException when {@code text} is not an address or a CIDR
	 * range
	 */
	public static CidrRange parse(String text) {
		String value = text.trim();
		int slash = value.indexOf('/');
		String address = (slash >= 0) ? value.substring(0, slash) : value;
		if (!isLiteral(address)) {
			throw new IllegalArgumentException("not an IP address or CIDR range: " + text);
		}
		byte[] bytes;
		try {
			bytes = InetAddress.getByName(address).getAddress();
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("not an IP address or CIDR range: " + text, ex);
		}
		int prefix = bytes.length * 8;
		if (slash >= 0) {
			try {
				prefix = Integer.parseInt(value.substring(slash + 1));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("bad prefix length in " + text, ex);
			}
			if (prefix < 0 || prefix > bytes.length * 8) {
				throw new IllegalArgumentException("bad prefix length in " + text);
			}
		}
		return new CidrRange(bytes, prefix);
	}

	/**
	 * Whether {@code text} is an IPv4 or IPv6 literal (so parsing it does no DNS lookup).
	 */
	static boolean isLiteral(String text) {
		if (text.isEmpty()) {
			return false;
		}
		if (text.indexOf(':') >= 0) {
			return text.chars().allMatch((c) -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
		}
		return text.chars().allMatch((c) -> (c >= '0' && c <= '9') || c == '.') && text.split("\\.", -1).length == 4;
	}

	/**
	 * Whether {@code address} is in this range (an IPv4 address is never in an IPv6 range
	 * and the reverse).
	 */
	public boolean contains(InetAddress address) {
		byte[] bytes = address.getAddress();
		if (bytes.length != this.network.length) {
			return false;
		}
		int whole = this.prefix / 8;
		for (int i = 0; i < whole; i++) {
			if (bytes[i] != this.network[i]) {
				return false;
			}
		}
		int rest = this.prefix % 8;
		if (rest == 0) {
			return true;
		}
		int mask = (0xFF << (8 - rest)) & 0xFF;
		return (bytes[whole] & mask) == (this.network[whole] & mask);
	}

}
