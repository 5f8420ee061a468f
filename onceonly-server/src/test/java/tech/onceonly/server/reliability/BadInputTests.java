package tech.onceonly.server.reliability;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import tech.onceonly.server.ApiClient;
import tech.onceonly.server.ServerTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input answered with a 4xx in the API's {@code {"detail": …}} shape: oversize bodies
 * (413, with and without a request id), oversize free text (422), NUL characters, invalid
 * UTF-8 in query values, {@code Accept: application/xml}, and 422s that never echo the
 * request body.
 */
@ServerTest
class BadInputTests {

	private static final int LIMIT = 1024 * 1024;

	@LocalServerPort
	int port;

	private ApiClient client() {
		return new ApiClient(this.port, "test-key-tenant-a");
	}

	private static String text(int length) {
		return "x".repeat(length);
	}

	@Test
	void bodyOverTheLimitShouldBe413() {
		String body = "{\"key\":\"bad:big\",\"metadata\":{\"blob\":\"" + text(LIMIT + 10_000) + "\"}}";
		ApiClient.Answer answer = client().post("/v1/check-lock", body);
		assertThat(answer.status()).isEqualTo(413);
		assertThat(answer.json()).isEqualTo(Map.of("detail", "Request body too large: the limit is 1048576 bytes"));
		assertThat(client().post("/v1/check-lock", Map.of("key", "bad:big")).json()).containsEntry("status", "locked");
	}

	@Test
	void bodyOverTheLimitWithARequestIdShouldBe413() {
		String body = "{\"key\":\"bad:big-id\",\"result\":{\"blob\":\"" + text(LIMIT + 10_000) + "\"}}";
		ApiClient.Answer answer = client().post("/v1/ai/lease", body, "X-Request-Id", "big-body-1");
		assertThat(answer.status()).isEqualTo(413);
		assertThat(answer.detail()).isEqualTo("Request body too large: the limit is 1048576 bytes");
	}

	@Test
	void bodyJustUnderTheLimitShouldBeServed() {
		String body = "{\"key\":\"bad:fits\"" + " ".repeat(LIMIT - 100) + "}";
		assertThat(client().post("/v1/check-lock", body).status()).isEqualTo(200);
	}

	@Test
	void oversizeFreeTextFieldsShouldBe422NamingTheField() {
		ApiClient.Answer event = client().post("/v1/events",
				Map.of("run_id", "bad-run", "type", "log", "message", text(4097)));
		assertThat(event.status()).isEqualTo(422);
		assertThat(event.firstError()).containsEntry("type", "string_too_long")
			.containsEntry("loc", List.of("body", "message"));
		ApiClient.Answer data = client().post("/v1/events",
				Map.of("run_id", "bad-run", "type", "log", "data", Map.of("note", text(4097))));
		assertThat(data.status()).isEqualTo(422);
		assertThat(data.firstError()).containsEntry("loc", List.of("body", "data", "note"));
		ApiClient.Answer reason = client().post("/v1/agents/bad-agent/disable", Map.of("reason", text(1025)));
		assertThat(reason.status()).isEqualTo(422);
		assertThat(reason.firstError()).containsEntry("loc", List.of("body", "reason"));
		ApiClient.Answer policy = client().post("/v1/policies/bad-agent", Map.of("allowed_tools", List.of(text(4097))));
		assertThat(policy.status()).isEqualTo(422);
		assertThat(policy.firstError()).containsEntry("loc", List.of("body", "allowed_tools", 0));
		ApiClient.Answer tool = client().post("/v1/tools", Map.of("name", "bad-tool", "url",
				"https://tools.internal.example/x", "auth", Map.of("type", "hmac_sha256", "secret", text(4097))));
		assertThat(tool.status()).isEqualTo(422);
		assertThat(tool.firstError()).containsEntry("loc", List.of("body", "auth", "secret"));
		assertThat(client().get("/v1/policies/bad-agent").status()).isEqualTo(404);
		assertThat(client().get("/v1/tools/bad-tool").status()).isEqualTo(404);
	}

	@Test
	void nulCharactersInAnyStringShouldBe422() {
		ApiClient.Answer event = client().post("/v1/events",
				"{\"run_id\":\"nul-run\",\"type\":\"log\",\"message\":\"a\\u0000b\"}");
		assertThat(event.status()).isEqualTo(422);
		assertThat(event.firstError()).containsEntry("type", "string_nul")
			.containsEntry("loc", List.of("body", "message"));
		ApiClient.Answer metadata = client().post("/v1/check-lock",
				"{\"key\":\"bad:nul\",\"metadata\":{\"a\\u0000\":1}}");
		assertThat(metadata.status()).isEqualTo(422);
		assertThat(client().post("/v1/check-lock", Map.of("key", "bad:nul")).json()).containsEntry("status", "locked");
	}

	@Test
	void invalidUtf8OrNulInAQueryValueShouldBe422() {
		for (String query : List.of("key=%ff", "key=%ed%a0%80", "key=a%00b", "key=%e2%82")) {
			ApiClient.Answer answer = client().get("/v1/ai/status?" + query);
			assertThat(answer.status()).as(query).isEqualTo(422);
			assertThat(answer.firstError()).as(query).containsEntry("loc", List.of("query"));
		}
	}

	@Test
	void acceptXmlShouldStillGetJson() {
		ApiClient.Answer ok = client().post("/v1/check-lock", Map.of("key", "bad:xml"), "Accept", "application/xml");
		assertThat(ok.status()).isEqualTo(200);
		assertThat(ok.json()).containsEntry("status", "locked");
		ApiClient.Answer error = client().post("/v1/check-lock", Map.of("ttl", 5), "Accept", "application/xml");
		assertThat(error.status()).isEqualTo(422);
		assertThat(error.detail()).isInstanceOf(List.class);
	}

	@Test
	void missingFieldShouldNotEchoTheBody() {
		ApiClient.Answer answer = client().post("/v1/tools", Map.of("url", "https://tools.internal.example/x", "auth",
				Map.of("type", "hmac_sha256", "secret", "TOP-SECRET-VALUE-42")));
		assertThat(answer.status()).isEqualTo(422);
		assertThat(answer.text()).doesNotContain("TOP-SECRET-VALUE-42");
		ApiClient.Answer wrongType = client().post("/v1/ai/complete",
				Map.of("key", "bad:x", "lease_id", Map.of("secret", "TOP-SECRET-VALUE-43")));
		assertThat(wrongType.status()).isEqualTo(422);
		assertThat(wrongType.text()).doesNotContain("TOP-SECRET-VALUE-43");
	}

	@Test
	void jsonSentAsAFormOrWithoutAContentTypeShouldStillBeReadAsJson() throws Exception {
		for (String type : new String[] { "application/x-www-form-urlencoded", "text/plain" }) {
			String key = "bad:form:" + type;
			java.net.http.HttpRequest request = java.net.http.HttpRequest
				.newBuilder(java.net.URI.create("http://127.0.0.1:" + this.port + "/v1/check-lock"))
				.header("Authorization", "Bearer test-key-tenant-a")
				.header("Content-Type", type)
				.POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\"}"))
				.build();
			java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
				.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(type + " " + response.body()).isEqualTo(200);
			assertThat(response.body()).contains("\"locked\"");
		}
	}

	@Test
	void oversizeHeadersAndBackslashesTomcatRefusesShouldBeAnsweredAsJson() {
		ApiClient.Answer header = client().post("/v1/check-lock", Map.of("key", "bad:header"), "X-Padding",
				text(20_000));
		assertThat(header.status()).isEqualTo(400);
		assertThat(header.json()).isEqualTo(Map.of("detail", "Bad Request"));
		ApiClient.Answer backslash = client().get("/v1/tools/x%5C..%5Cy");
		assertThat(backslash.status()).isEqualTo(400);
		assertThat(backslash.json()).isEqualTo(Map.of("detail", "Bad Request"));
	}

	@Test
	void duplicateObjectNamesShouldBe422() {
		ApiClient.Answer answer = client().post("/v1/check-lock", "{\"key\":\"bad:dup-a\",\"key\":\"bad:dup-b\"}");
		assertThat(answer.status()).isEqualTo(422);
		assertThat(answer.firstError()).containsEntry("type", "json_invalid");
	}

	@Test
	void nonFiniteAndDeeplyNestedValuesShouldBe422() {
		assertThat(client().post("/v1/check-lock", "{\"key\":\"bad:inf\",\"ttl\":1e400}").status()).isEqualTo(422);
		assertThat(client().post("/v1/check-lock", "{\"key\":\"bad:inf\",\"metadata\":{\"a\":-1e999}}").status())
			.isEqualTo(422);
		String deep = "[".repeat(40) + "]".repeat(40);
		assertThat(client().post("/v1/check-lock", "{\"key\":\"bad:deep\",\"metadata\":{\"a\":" + deep + "}}").status())
			.isEqualTo(422);
		String veryDeep = "[".repeat(5000) + "]".repeat(5000);
		assertThat(client().post("/v1/check-lock", "{\"key\":\"bad:deep\",\"metadata\":{\"a\":" + veryDeep + "}}")
			.status()).isEqualTo(422);
		assertThat(client().post("/v1/check-lock", Map.of("key", "bad:deep")).json()).containsEntry("status", "locked");
	}

}
