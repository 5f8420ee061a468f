package tech.onceonly.server.security;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Refuses tool URLs that would let a caller reach the server's own network (server-side
 * request forgery): only {@code http} and {@code https}, and every address the host
 * resolves to must be public. Loopback, private (10/8, 172.16/12, 192.168/16, 100.64/10,
 * fc00::/7), link-local (169.254/16, fe80::/10), unspecified, multicast, broadcast and
 * cloud-metadata addresses and names are refused unless the host name or a CIDR range
 * containing the address is on the allow-list. IPv4 addresses embedded in IPv6 (mapped,
 * compatible, NAT64, 6to4) are judged as IPv4. Tool calls must not follow redirects, or a
 * public URL could redirect to a refused one.
 */
public final class ToolUrlGuard {

	private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata.goog", "metadata",
			"instance-data", "instance-data.ec2.internal", "metadata.azure.internal");

	private static final List<Rule> RULES = List.of(new Rule("169.254.169.254/32", "a cloud metadata address"),
			new Rule("fd00:ec2::254/128", "a cloud metadata address"),
			new Rule("100.100.100.200/32", "a cloud metadata address"), new Rule("0.0.0.0/8", "an unspecified address"),
			new Rule("127.0.0.0/8", "a loopback address"), new Rule("10.0.0.0/8", "a private address"),
			new Rule("172.16.0.0/12", "a private address"), new Rule("192.168.0.0/16", "a private address"),
			new Rule("100.64.0.0/10", "a private (shared) address"), new Rule("169.254.0.0/16", "a link-local address"),
			new Rule("224.0.0.0/4", "a multicast address"), new Rule("240.0.0.0/4", "a reserved address"),
			new Rule("::/128", "an unspecified address"), new Rule("::1/128", "a loopback address"),
			new Rule("fc00::/7", "a private address"), new Rule("fe80::/10", "a link-local address"),
			new Rule("fec0::/10", "a private (site-local) address"), new Rule("ff00::/8", "a multicast address"));

	private final Set<String> allowedHosts;

	private final List<CidrRange> allowedRanges;

	private final HostResolver resolver;

	/**
	 * A guard.
	 * @param allowList host names (exact, case-insensitive) and CIDR ranges that are
	 * allowed although refused by the rules
	 * @param resolver how host names are resolved
	 * @throws IllegalArgumentException when an allow-list entry is neither a host name
	 * nor a range
	 */
	public ToolUrlGuard(List<String> allowList, HostResolver resolver) {
		List<String> hosts = new ArrayList<>();
		List<CidrRange> ranges = new ArrayList<>();
		for (String entry : allowList) {
			String value = entry.trim().toLowerCase(Locale.ROOT);
			if (value.isEmpty()) {
				continue;
			}
			String address = (value.indexOf('/') >= 0) ? value.substring(0, value.indexOf('/')) : value;
			if (CidrRange.isLiteral(address)) {
				ranges.add(CidrRange.parse(value));
			}
			else {
				hosts.add(stripDot(value));
			}
		}
		this.allowedHosts = Set.copyOf(hosts);
		this.allowedRanges = List.copyOf(ranges);
		this.resolver = resolver;
	}

	/** A guard resolving with the system resolver. */
	public static ToolUrlGuard withSystemResolver(List<String> allowList) {
		return new ToolUrlGuard(allowList, InetAddress::getAllByName);
	}

	/**
	 * Checks a tool URL now (its host is resolved).
	 * @return the parsed URL
	 * @throws ToolUrlRefusedException when the URL must not be called
	 */
	public URI check(@Nullable String url) {
		if (url == null || url.isBlank()) {
			throw new ToolUrlRefusedException("tool url must not be empty");
		}
		URI uri;
		try {
			uri = new URI(url.trim());
		}
		catch (URISyntaxException ex) {
			throw new ToolUrlRefusedException("tool url is not a valid URL: " + ex.getReason());
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("http") && !scheme.equals("https")) {
			throw new ToolUrlRefusedException("tool url must use http or https, was '" + scheme + "'");
		}
		String host = uri.getHost();
		if (host == null || host.isEmpty()) {
			throw new ToolUrlRefusedException("tool url has no host");
		}
		host = stripDot(host.toLowerCase(Locale.ROOT));
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		if (!host.contains(":") && endsInNumber(host) && !isCanonicalIpv4(host)) {
			throw refused(host, "an ambiguous numeric address (octal, hexadecimal, integer or shortened form); "
					+ "write an IPv4 address as four decimal numbers 0-255 without leading zeros");
		}
		if (this.allowedHosts.contains(host)) {
			return uri;
		}
		if (METADATA_HOSTS.contains(host)) {
			throw refused(host, "a cloud metadata host");
		}
		if (host.equals("localhost") || host.endsWith(".localhost")) {
			throw refused(host, "a loopback host");
		}
		InetAddress[] addresses;
		try {
			addresses = this.resolver.resolve(host);
		}
		catch (UnknownHostException ex) {
			throw new ToolUrlRefusedException("tool url host '" + host + "' does not resolve");
		}
		if (addresses.length == 0) {
			throw new ToolUrlRefusedException("tool url host '" + host + "' does not resolve");
		}
		for (InetAddress address : addresses) {
			String reason = refusal(address);
			if (reason != null && !isAllowed(address)) {
				throw refused(host + " (" + address.getHostAddress() + ")", reason);
			}
		}
		return uri;
	}

	private boolean isAllowed(InetAddress address) {
		for (CidrRange range : this.allowedRanges) {
			if (range.contains(address)) {
				return true;
			}
		}
		InetAddress embedded = embeddedIpv4(address);
		return embedded != null && embedded != address && isAllowed(embedded);
	}

	/** Why {@code address} is refused, or {@code null} when it is public. */
	static @Nullable String refusal(InetAddress address) {
		InetAddress judged = address;
		InetAddress embedded = embeddedIpv4(address);
		if (embedded != null) {
			judged = embedded;
		}
		if (judged.isAnyLocalAddress()) {
			return "an unspecified address";
		}
		if (judged.isLoopbackAddress()) {
			return "a loopback address";
		}
		for (Rule rule : RULES) {
			if (rule.range.contains(judged)) {
				return rule.reason;
			}
		}
		if (judged instanceof Inet4Address && judged.getAddress()[0] == (byte) 255) {
			return "a broadcast address";
		}
		if (judged.isLinkLocalAddress() || judged.isSiteLocalAddress() || judged.isMulticastAddress()) {
			return "a non-public address";
		}
		return null;
	}

	/**
	 * The IPv4 address inside an IPv4-compatible, NAT64 (64:ff9b::/96) or 6to4
	 * (2002::/16) IPv6 address.
	 */
	private static @Nullable InetAddress embeddedIpv4(InetAddress address) {
		if (!(address instanceof Inet6Address)) {
			return null;
		}
		byte[] b = address.getAddress();
		byte[] v4 = null;
		boolean zeroPrefix = true;
		for (int i = 0; i < 12; i++) {
			zeroPrefix &= (b[i] == 0) || (i >= 10 && b[i] == (byte) 0xFF && b[10] == (byte) 0xFF);
		}
		boolean nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == (byte) 0xFF && b[3] == (byte) 0x9B;
		for (int i = 4; i < 12 && nat64; i++) {
			nat64 = b[i] == 0;
		}
		if (zeroPrefix || nat64) {
			v4 = new byte[] { b[12], b[13], b[14], b[15] };
			if (zeroPrefix && v4[0] == 0 && v4[1] == 0 && v4[2] == 0 && (v4[3] == 0 || v4[3] == 1)) {
				return null;
			}
		}
		else if (b[0] == 0x20 && b[1] == 0x02) {
			v4 = new byte[] { b[2], b[3], b[4], b[5] };
		}
		if (v4 == null) {
			return null;
		}
		try {
			return InetAddress.getByAddress(v4);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	/**
	 * Whether a host name would be read as an IPv4 address by a WHATWG URL parser: its
	 * last label is a decimal number or {@code 0x} followed by hex digits.
	 */
	static boolean endsInNumber(String host) {
		String[] labels = host.split("\\.", -1);
		String last = labels[labels.length - 1];
		if (last.isEmpty() && labels.length > 1) {
			last = labels[labels.length - 2];
		}
		if (last.isEmpty()) {
			return false;
		}
		if (last.matches("[0-9]+")) {
			return true;
		}
		return last.matches("0[xX][0-9a-fA-F]*");
	}

	/** Four decimal numbers 0-255 without leading zeros. */
	static boolean isCanonicalIpv4(String host) {
		String[] parts = host.split("\\.", -1);
		if (parts.length != 4) {
			return false;
		}
		for (String part : parts) {
			if (!part.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(part) > 255) {
				return false;
			}
		}
		return true;
	}

	private static ToolUrlRefusedException refused(String what, String reason) {
		return new ToolUrlRefusedException("tool url refused: " + what + " is " + reason
				+ "; the server does not call internal addresses unless they are in onceonly.server.tool-url-allow-list");
	}

	private static String stripDot(String host) {
		return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
	}

	/** Resolves a host name to its addresses. */
	@FunctionalInterface
	public interface HostResolver {

		/** Every address of {@code host}. */
		InetAddress[] resolve(String host) throws UnknownHostException;

	}

	private record Rule(CidrRange range, String reason) {

		Rule(String cidr, String reason) {
			this(CidrRange.parse(cidr), reason);
		}

	}

}
