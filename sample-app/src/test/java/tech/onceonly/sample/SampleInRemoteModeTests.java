package tech.onceonly.sample;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OnceOnlyBackend;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The sample app switched to the OnceOnly API by two properties, {@code onceonly.api-key}
 * and {@code onceonly.base-url}; a WireMock server on loopback stands in for the hosted
 * API.
 */
@SpringBootTest(properties = "onceonly.api-key=once_test_sample")
@AutoConfigureMockMvc
class SampleInRemoteModeTests {

	private static final WireMockServer api = startApi();

	@DynamicPropertySource
	static void apiUrl(DynamicPropertyRegistry registry) {
		registry.add("onceonly.base-url", () -> "http://127.0.0.1:" + api.port() + "/v1");
	}

	@AfterAll
	static void stopApi() {
		api.stop();
	}

	private static WireMockServer startApi() {
		WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
		server.start();
		server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathMatching("/v1/policies/.*"))
			.willReturn(json("{\"agent_id\":\"a\",\"policy\":{}}")));
		server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/v1/ai/lease"))
			.willReturn(json("{\"ok\":true,\"status\":\"acquired\",\"key\":\"report:q1\",\"lease_id\":\"l-1\"}")));
		server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/v1/ai/extend"))
			.willReturn(json("{\"ok\":true,\"status\":\"extended\"}")));
		server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/v1/ai/complete"))
			.willReturn(json("{\"ok\":true,\"status\":\"completed\"}")));
		server.stubFor(get(urlPathEqualTo("/v1/ai/result")).willReturn(
				json("{\"ok\":true,\"status\":\"completed\",\"key\":\"report:q1\",\"result\":{\"report_number\":1}}")));
		return server;
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
		return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
	}

	@Autowired
	private MockMvc mvc;

	@Autowired
	private OnceOnly onceOnly;

	@Test
	void reportsShouldGoThroughTheApiWithTheKey() throws Exception {
		assertThat(this.onceOnly.backend().kind()).isEqualTo(OnceOnlyBackend.Kind.REMOTE);
		this.mvc.perform(post("/reports/q1"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("completed"))
			.andExpect(jsonPath("$.report.report_number").value(1));
		api.verify(postRequestedFor(urlEqualTo("/v1/ai/lease")).withHeader("Authorization",
				equalTo("Bearer once_test_sample")));
		api.verify(postRequestedFor(urlEqualTo("/v1/ai/complete")));
	}

}
