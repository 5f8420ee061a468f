package tech.onceonly.spring.web.idempotency;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Request fingerprints: canonical for JSON, raw bytes otherwise. */
class RequestFingerprintTests {

	private static String json(String body) {
		return RequestFingerprint.of("POST", "/payments", "application/json", body.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void jsonKeyOrderAndWhitespaceShouldNotMatter() {
		assertThat(json("{\"a\":1,\"b\":{\"y\":[1,2],\"x\":\"s\"}}"))
			.isEqualTo(json("{ \"b\" : { \"x\":\"s\", \"y\":[1, 2] },\n \"a\" : 1 }"));
	}

	@Test
	void jsonNumbersShouldCompareByValue() {
		assertThat(json("{\"amount\":100}")).isEqualTo(json("{\"amount\":100.0}"));
		assertThat(json("{\"amount\":1.50}")).isEqualTo(json("{\"amount\":1.5}"));
		assertThat(json("{\"amount\":100}")).isNotEqualTo(json("{\"amount\":101}"));
	}

	@Test
	void arrayOrderShouldMatter() {
		assertThat(json("[1,2]")).isNotEqualTo(json("[2,1]"));
	}

	@Test
	void methodAndPathShouldMatter() {
		byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
		String post = RequestFingerprint.of("POST", "/a", "application/json", body);
		assertThat(RequestFingerprint.of("PATCH", "/a", "application/json", body)).isNotEqualTo(post);
		assertThat(RequestFingerprint.of("POST", "/b", "application/json", body)).isNotEqualTo(post);
	}

	@Test
	void nonJsonBodiesShouldBeHashedAsBytes() {
		byte[] a = "a=1&b=2".getBytes(StandardCharsets.UTF_8);
		byte[] b = "b=2&a=1".getBytes(StandardCharsets.UTF_8);
		assertThat(RequestFingerprint.of("POST", "/f", "application/x-www-form-urlencoded", a))
			.isNotEqualTo(RequestFingerprint.of("POST", "/f", "application/x-www-form-urlencoded", b));
		assertThat(RequestFingerprint.of("POST", "/f", "application/vnd.api+json", "{\"a\":1, \"b\":2}".getBytes()))
			.isEqualTo(RequestFingerprint.of("POST", "/f", "application/vnd.api+json", "{\"b\":2,\"a\":1}".getBytes()));
	}

	@Test
	void malformedJsonShouldFallBackToBytes() {
		assertThat(json("{oops")).hasSize(64).isNotEqualTo(json("{ oops"));
	}

	@Test
	void queryStringShouldMatterInCanonicalOrder() {
		byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
		String five = RequestFingerprint.of("POST", "/t", "amount=5", "application/json", body);
		assertThat(RequestFingerprint.of("POST", "/t", "amount=500", "application/json", body)).isNotEqualTo(five);
		assertThat(RequestFingerprint.of("POST", "/t", null, "application/json", body)).isNotEqualTo(five);
		assertThat(RequestFingerprint.of("POST", "/t", "b=2&a=1&a=0", "application/json", body))
			.isEqualTo(RequestFingerprint.of("POST", "/t", "a=1&b=2&a=0", "application/json", body))
			.isNotEqualTo(RequestFingerprint.of("POST", "/t", "a=0&a=1&b=2", "application/json", body));
		assertThat(RequestFingerprint.of("POST", "/t", "note=a%20b&x", "application/json", body))
			.isEqualTo(RequestFingerprint.of("POST", "/t", "x=&note=a+b", "application/json", body));
	}

	@Test
	void emptyQueryShouldFingerprintLikeNoQuery() {
		byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
		assertThat(RequestFingerprint.of("POST", "/t", "", "application/json", body))
			.isEqualTo(RequestFingerprint.of("POST", "/t", null, "application/json", body))
			.isEqualTo(RequestFingerprint.of("POST", "/t", "application/json", body));
	}

}
