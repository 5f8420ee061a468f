package tech.onceonly.server.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SSRF rules of {@link ToolUrlGuard}, with a fake resolver. */
class ToolUrlGuardTests {

	private static final Map<String, String[]> DNS = Map.of("tools.example.com", new String[] { "93.184.216.34" },
			"rebind.example.com", new String[] { "93.184.216.34", "10.0.0.5" }, "internal.example.com",
			new String[] { "172.20.1.1" }, "v6.example.com", new String[] { "2606:2800:220:1:248:1893:25c8:1946" });

	private static InetAddress[] resolve(String host) throws UnknownHostException {
		String[] addresses = DNS.get(host);
		if (addresses == null) {
			if (CidrRange.isLiteral(host)) {
				return new InetAddress[] { InetAddress.getByName(host) };
			}
			throw new UnknownHostException(host);
		}
		InetAddress[] result = new InetAddress[addresses.length];
		for (int i = 0; i < addresses.length; i++) {
			result[i] = InetAddress.getByName(addresses[i]);
		}
		return result;
	}

	private final ToolUrlGuard guard = new ToolUrlGuard(List.of(), ToolUrlGuardTests::resolve);

	private void refused(String url, String reason) {
		assertThatThrownBy(() -> this.guard.check(url)).isInstanceOf(ToolUrlRefusedException.class)
			.hasMessageContaining(reason);
	}

	@Test
	void ambiguousNumericHostSpellingsShouldBeRefused() {
		for (String host : List.of("0177.0.0.1", "0x7f.0.0.1", "0x7f.1", "127.1", "2130706433", "0x7f000001",
				"017700000001", "8.8.8.08", "1.2.3.4.5", "93.184.216.034")) {
			assertThatThrownBy(() -> this.guard.check("http://" + host + "/x")).as(host)
				.isInstanceOf(ToolUrlRefusedException.class);
		}
		refused("http://0177.0.0.1/x", "ambiguous numeric address");
		refused("http://2130706433/x", "ambiguous numeric address");
	}

	@Test
	void canonicalDottedQuadAndNamesWithNumericLabelsShouldStillBeJudgedNormally() {
		assertThat(this.guard.check("http://93.184.216.34/x").getHost()).isEqualTo("93.184.216.34");
		assertThat(ToolUrlGuard.endsInNumber("tools.example.com")).isFalse();
		assertThat(ToolUrlGuard.endsInNumber("123.example.com")).isFalse();
		assertThat(ToolUrlGuard.endsInNumber("example.0x1g")).isFalse();
		assertThat(ToolUrlGuard.endsInNumber("1.2.3.4.")).isTrue();
	}

	@Test
	void publicHttpAndHttpsUrlsShouldPass() {
		assertThat(this.guard.check("https://tools.example.com/send").getHost()).isEqualTo("tools.example.com");
		assertThatNoException().isThrownBy(() -> this.guard.check("http://v6.example.com:8443/x"));
		assertThatNoException().isThrownBy(() -> this.guard.check("http://93.184.216.34/x"));
	}

	@Test
	void onlyHttpAndHttpsShouldBeAccepted() {
		refused("ftp://tools.example.com/x", "http or https");
		refused("file:///etc/passwd", "http or https");
		refused("gopher://tools.example.com/", "http or https");
		refused("tools.example.com/x", "http or https");
	}

	@Test
	void loopbackShouldBeRefused() {
		refused("http://127.0.0.1/x", "loopback");
		refused("http://127.1.2.3:9000/x", "loopback");
		refused("http://[::1]/x", "loopback");
		refused("http://localhost:8080/x", "loopback");
		refused("http://api.localhost/x", "loopback");
	}

	@Test
	void privateRangesShouldBeRefused() {
		refused("http://10.1.2.3/x", "private");
		refused("http://172.16.0.1/x", "private");
		refused("http://172.31.255.255/x", "private");
		refused("http://192.168.0.1/x", "private");
		refused("http://100.64.0.1/x", "private");
		refused("http://[fc00::1]/x", "private");
		refused("http://[fd12:3456::1]/x", "private");
		refused("http://internal.example.com/x", "private");
		assertThatNoException().isThrownBy(() -> this.guard.check("http://172.32.0.1/x"));
	}

	@Test
	void linkLocalUnspecifiedMulticastShouldBeRefused() {
		refused("http://169.254.1.1/x", "link-local");
		refused("http://[fe80::1]/x", "link-local");
		refused("http://0.0.0.0/x", "unspecified");
		refused("http://[::]/x", "unspecified");
		refused("http://224.0.0.1/x", "multicast");
		refused("http://[ff02::1]/x", "multicast");
		refused("http://255.255.255.255/x", "reserved");
	}

	@Test
	void cloudMetadataShouldBeRefused() {
		refused("http://169.254.169.254/latest/meta-data/", "metadata");
		refused("http://[fd00:ec2::254]/latest", "metadata");
		refused("http://metadata.google.internal/computeMetadata/v1/", "metadata");
		refused("http://METADATA.GOOGLE.INTERNAL./x", "metadata");
	}

	@Test
	void ipv4EmbeddedInIpv6ShouldBeJudgedAsIpv4() {
		refused("http://[::ffff:127.0.0.1]/x", "loopback");
		refused("http://[::ffff:169.254.169.254]/x", "metadata");
		refused("http://[64:ff9b::a00:1]/x", "private");
		refused("http://[2002:c0a8:101::1]/x", "private");
	}

	@Test
	void aHostWithAnyInternalAddressShouldBeRefused() {
		refused("http://rebind.example.com/x", "10.0.0.5");
	}

	@Test
	void unresolvableHostsShouldBeRefused() {
		refused("http://nowhere.invalid/x", "does not resolve");
		refused("http:///x", "no host");
	}

	@Test
	void allowListedHostsAndRangesShouldPass() {
		ToolUrlGuard allowing = new ToolUrlGuard(List.of("internal.example.com", "10.0.0.0/8", " ", "::1"),
				ToolUrlGuardTests::resolve);
		assertThatNoException().isThrownBy(() -> allowing.check("http://internal.example.com/x"));
		assertThatNoException().isThrownBy(() -> allowing.check("http://10.20.30.40/x"));
		assertThatNoException().isThrownBy(() -> allowing.check("http://rebind.example.com/x"));
		assertThatNoException().isThrownBy(() -> allowing.check("http://[::1]:8080/x"));
		assertThatThrownBy(() -> allowing.check("http://192.168.1.1/x")).isInstanceOf(ToolUrlRefusedException.class);
	}

	@Test
	void cidrRangesShouldMatchByPrefix() {
		assertThat(CidrRange.parse("172.16.0.0/12").contains(address("172.31.0.1"))).isTrue();
		assertThat(CidrRange.parse("172.16.0.0/12").contains(address("172.32.0.1"))).isFalse();
		assertThat(CidrRange.parse("fc00::/7").contains(address("fdff::1"))).isTrue();
		assertThat(CidrRange.parse("10.0.0.0/8").contains(address("::1"))).isFalse();
		assertThatThrownBy(() -> CidrRange.parse("example.com/8")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> CidrRange.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
	}

	private static InetAddress address(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
