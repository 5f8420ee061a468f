package tech.onceonly.spring.web.toolauth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import tech.onceonly.signing.ToolSignatures;

import static org.assertj.core.api.Assertions.assertThat;

class ToolCallVerificationFilterTests {

	private static final String SECRET = "tool-secret-42";

	private static final Instant NOW = Instant.parse("2026-03-10T10:15:00Z");

	private static final String BODY = "{\"agent_id\":\"a\",\"tool\":\"t\",\"args\":{\"x\":1}}";

	private final ToolCallVerifier verifier = new ToolCallVerifier(List.of("old-secret-1", SECRET),
			ToolCallVerifier.DEFAULT_TOLERANCE, Clock.fixed(NOW, ZoneOffset.UTC));

	private final ToolCallVerificationFilter filter = new ToolCallVerificationFilter(this.verifier);

	private MockHttpServletRequest request(String body, String signature, String algorithm, long timestamp) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/tools/t");
		request.setContent(body.getBytes(StandardCharsets.UTF_8));
		request.setContentType("application/json");
		if (signature != null) {
			request.addHeader(ToolSignatures.SIGNATURE_HEADER, signature);
		}
		if (algorithm != null) {
			request.addHeader(ToolSignatures.ALGORITHM_HEADER, algorithm);
		}
		if (timestamp != 0) {
			request.addHeader(ToolSignatures.TIMESTAMP_HEADER, Long.toString(timestamp));
		}
		return request;
	}

	private static String sign(String body) {
		return ToolSignatures.sign(body.getBytes(StandardCharsets.UTF_8), SECRET);
	}

	@Test
	void genuineCallShouldReachTheHandlerWithItsBody() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		this.filter.doFilter(request(BODY, sign(BODY), "HMAC_SHA256", NOW.getEpochSecond() - 299), response, chain);
		assertThat(response.getStatus()).isEqualTo(200);
		HttpServletRequest passed = (HttpServletRequest) chain.getRequest();
		assertThat(new String(passed.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(BODY);
		assertThat(passed.getContentLength()).isEqualTo(BODY.length());
	}

	@Test
	void callWithoutAlgorithmHeaderShouldPass() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		this.filter.doFilter(request(BODY, sign(BODY), null, NOW.getEpochSecond() + 299), response, chain);
		assertThat(chain.getRequest()).isNotNull();
		assertThat(new String(chain.getRequest().getReader().readLine())).isEqualTo(BODY);
	}

	@Test
	void tamperedBodyShouldBeRejected() throws Exception {
		assertRejected(request(BODY.replace("1", "2"), sign(BODY), "hmac_sha256", NOW.getEpochSecond()),
				"signature does not match the request body");
	}

	@Test
	void signatureUnderAnotherSecretShouldBeRejected() throws Exception {
		String forged = ToolSignatures.sign(BODY.getBytes(StandardCharsets.UTF_8), "not-the-secret");
		assertRejected(request(BODY, forged, null, NOW.getEpochSecond()), "signature does not match");
		assertRejected(request(BODY, "zz-not-hex", null, NOW.getEpochSecond()), "signature does not match");
	}

	@Test
	void staleOrFutureTimestampShouldBeRejected() throws Exception {
		assertRejected(request(BODY, sign(BODY), null, NOW.getEpochSecond() - 301), "outside the accepted window");
		assertRejected(request(BODY, sign(BODY), null, NOW.getEpochSecond() + 301), "outside the accepted window");
	}

	@Test
	void missingHeadersOrWrongAlgorithmShouldBeRejected() throws Exception {
		assertRejected(request(BODY, null, null, NOW.getEpochSecond()), "missing X-OnceOnly-Signature header");
		assertRejected(request(BODY, sign(BODY), null, 0), "missing X-OnceOnly-Timestamp header");
		assertRejected(request(BODY, sign(BODY), "hmac_sha1", NOW.getEpochSecond()), "must be hmac_sha256");
	}

	private void assertRejected(MockHttpServletRequest request, String detail) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		this.filter.doFilter(request, response, chain);
		assertThat(chain.getRequest()).isNull();
		assertThat(response.getStatus()).isEqualTo(401);
		assertThat(response.getContentType()).startsWith("application/problem+json");
		assertThat(response.getContentAsString()).contains("\"status\":401")
			.contains(detail)
			.contains("\"instance\":\"/tools/t\"");
	}

}
