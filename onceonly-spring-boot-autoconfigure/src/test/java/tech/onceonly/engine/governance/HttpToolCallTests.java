package tech.onceonly.engine.governance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.signing.ToolSignatures;
import tech.onceonly.spring.web.toolauth.ToolCallVerifier;
import tech.onceonly.store.GovernanceTestClock;
import tech.onceonly.store.memory.InMemoryGovernanceStore;
import tech.onceonly.store.memory.InMemoryStore;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Registered tools called over real HTTP, signed so that the verifier accepts them. */
class HttpToolCallTests {

	private static final String SECRET = "tool-secret-42";

	private final GovernanceTestClock clock = new GovernanceTestClock(Instant.parse("2026-03-10T10:15:00Z"));

	private WireMockServer server;

	private LocalOnceOnly engine;

	@BeforeEach
	void start() {
		this.server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
		this.server.start();
		InMemoryStore leases = new InMemoryStore(this.clock);
		this.engine = LocalOnceOnly.builder(leases)
			.governanceStore(new InMemoryGovernanceStore(this.clock))
			.governanceSettings(GovernanceSettings.defaults().withHttpRetryBackoff(Duration.ZERO))
			.build();
	}

	@AfterEach
	void stop() {
		this.engine.close();
		this.server.stop();
	}

	private void register(String name, int maxRetries) {
		this.engine.gov()
			.createTool(Map.of("name", name, "url", this.server.baseUrl() + "/tools/" + name, "auth",
					Map.of("type", "hmac_sha256", "secret", SECRET), "max_retries", maxRetries, "timeout_ms", 5000));
	}

	@Test
	void registeredToolShouldReceiveASignedEnvelopeTheVerifierAccepts() {
		this.server.stubFor(post(urlEqualTo("/tools/send_email"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"id\":\"msg_1\"}")));
		register("send_email", 2);
		AiToolResult result = this.engine.ai()
			.runTool(ToolCallRequest.of("support", "send_email", Map.of("to", "a@example.com")).withRunId("run-7"));
		assertThat(result.decision()).isEqualTo("executed");
		assertThat(result.result()).containsEntry("id", "msg_1");
		List<LoggedRequest> requests = this.server.findAll(postRequestedFor(urlEqualTo("/tools/send_email")));
		assertThat(requests).hasSize(1);
		LoggedRequest request = requests.get(0);
		assertThat(request.getHeader(ToolSignatures.ALGORITHM_HEADER)).isEqualTo("hmac_sha256");
		assertThat(request.getHeader(ToolSignatures.TIMESTAMP_HEADER)).isEqualTo("1773137700");
		assertThat(request.getHeader(ToolSignatures.SIGNATURE_HEADER)).matches("[0-9a-f]{64}");
		ToolCallVerifier verifier = new ToolCallVerifier(List.of(SECRET), ToolCallVerifier.DEFAULT_TOLERANCE,
				Clock.fixed(this.clock.instant().plusSeconds(100), ZoneOffset.UTC));
		assertThat(verifier.verify(request.getBody(), request.getHeader(ToolSignatures.SIGNATURE_HEADER),
				request.getHeader(ToolSignatures.ALGORITHM_HEADER), request.getHeader(ToolSignatures.TIMESTAMP_HEADER)))
			.isNull();
		Map<String, Object> envelope = JsonMapper.builder().build().readValue(request.getBody(), Map.class);
		assertThat(envelope).containsEntry("agent_id", "support")
			.containsEntry("tool", "send_email")
			.containsEntry("run_id", "run-7")
			.containsEntry("args", Map.of("to", "a@example.com", "run_id", "run-7"))
			.containsKey("idempotency_key");
	}

	@Test
	void serverErrorsShouldBeRetriedUpToMaxRetries() {
		this.server.stubFor(post(urlEqualTo("/tools/crm")).inScenario("retry")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503))
			.willSetStateTo("up"));
		this.server.stubFor(post(urlEqualTo("/tools/crm")).inScenario("retry")
			.whenScenarioStateIs("up")
			.willReturn(aResponse().withBody("[1,2]")));
		register("crm", 1);
		AiToolResult result = this.engine.ai().runTool(ToolCallRequest.of("a", "crm", Map.of()));
		assertThat(result.policyReason()).isEqualTo("ok");
		assertThat(result.result()).containsEntry("value", List.of(1, 2));
		this.server.verify(2, postRequestedFor(urlEqualTo("/tools/crm")));
	}

	@Test
	void clientErrorsShouldBeAToolErrorWithoutRetry() {
		this.server.stubFor(post(urlEqualTo("/tools/crm")).willReturn(aResponse().withStatus(400)));
		register("crm", 3);
		AiToolResult result = this.engine.ai().runTool(ToolCallRequest.of("a", "crm", Map.of()));
		assertThat(result.ok()).isFalse();
		assertThat(result.policyReason()).isEqualTo("tool_error");
		assertThat(result.result()).containsEntry("message", "tool 'crm' answered HTTP 400");
		this.server.verify(1, postRequestedFor(urlEqualTo("/tools/crm")));
	}

	@Test
	void agentScopedToolShouldWinOverTheGlobalOne() {
		this.server
			.stubFor(post(urlEqualTo("/tools/global")).willReturn(aResponse().withBody("{\"from\":\"global\"}")));
		this.server.stubFor(post(urlEqualTo("/tools/own")).willReturn(aResponse().withBody("{\"from\":\"own\"}")));
		this.engine.gov()
			.createTool(Map.of("name", "lookup", "url", this.server.baseUrl() + "/tools/global", "auth",
					Map.of("type", "hmac_sha256", "secret", SECRET)));
		this.engine.gov()
			.createTool(Map.of("name", "lookup", "scope_id", "agent:a", "url", this.server.baseUrl() + "/tools/own",
					"auth", Map.of("type", "HMAC_SHA256", "secret", SECRET)));
		assertThat(this.engine.ai().runTool(ToolCallRequest.of("a", "lookup", Map.of())).result()).containsEntry("from",
				"own");
		assertThat(this.engine.ai().runTool(ToolCallRequest.of("b", "lookup", Map.of())).result()).containsEntry("from",
				"global");
	}

}
