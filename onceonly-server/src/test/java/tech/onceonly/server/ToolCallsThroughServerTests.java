package tech.onceonly.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.engine.EngineSettings;
import tech.onceonly.server.security.GuardedHttpClient;
import tech.onceonly.server.security.ToolUrlGuard;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registered tools called by the server: an allow-listed loopback tool answers through
 * tool mode of {@code /v1/ai/run}, redirects are never followed, and a tool whose URL the
 * guard no longer accepts is refused at call time without a request.
 */
@LoopbackToolServerTest
class ToolCallsThroughServerTests {

	private static WireMockServer tool;

	@LocalServerPort
	int port;

	@Autowired
	TenantEngines engines;

	@Autowired
	JsonMapper json;

	private ApiClient api;

	private String agent;

	@BeforeAll
	static void startTool() {
		tool = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
		tool.start();
	}

	@AfterAll
	static void stopTool() {
		tool.stop();
	}

	@BeforeEach
	void setUp() {
		this.api = new ApiClient(this.port, "test-key-tenant-a");
		this.agent = "agent-" + UUID.randomUUID();
	}

	private String register(String path) {
		String name = "tool_" + UUID.randomUUID().toString().substring(0, 8);
		ApiClient.Answer created = this.api.post("/v1/tools",
				Map.of("name", name, "url", "http://127.0.0.1:" + tool.port() + path, "max_retries", 0, "timeout_ms",
						5000, "auth", Map.of("type", "hmac_sha256", "secret", "tool-secret-1")));
		assertThat(created.status()).isEqualTo(200);
		return name;
	}

	@Test
	void allowListedLoopbackToolShouldBeCalledSignedAndAnswerThroughToolMode() {
		tool.stubFor(post(urlEqualTo("/tools/echo"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"echo\":\"pong\"}")));
		String name = register("/tools/echo");
		ApiClient.Answer run = this.api.post("/v1/ai/run",
				Map.of("agent_id", this.agent, "tool", name, "args", Map.of("ping", 1)));
		assertThat(run.status()).isEqualTo(200);
		assertThat(run.json()).containsEntry("ok", true)
			.containsEntry("allowed", true)
			.containsEntry("decision", "executed")
			.containsEntry("policy_reason", "ok")
			.containsEntry("result", Map.of("echo", "pong"));
		tool.verify(1,
				postRequestedFor(urlEqualTo("/tools/echo")).withHeader("X-OnceOnly-Signature", matching("[0-9a-f]{64}"))
					.withRequestBody(containing("\"ping\":1")));
	}

	@Test
	void redirectsShouldNeverBeFollowed() {
		tool.stubFor(post(urlEqualTo("/tools/moved")).willReturn(aResponse().withStatus(302)
			.withHeader("Location", "http://127.0.0.1:" + tool.port() + "/tools/target")));
		String name = register("/tools/moved");
		ApiClient.Answer run = this.api.post("/v1/ai/run", Map.of("agent_id", this.agent, "tool", name));
		assertThat(run.json()).containsEntry("ok", false)
			.containsEntry("decision", "executed")
			.containsEntry("policy_reason", "tool_error");
		tool.verify(1, postRequestedFor(urlEqualTo("/tools/moved")));
		tool.verify(0, postRequestedFor(urlEqualTo("/tools/target")));
	}

	@Test
	void toolRefusedByTheGuardAtCallTimeShouldNeverBeRequested() {
		tool.stubFor(post(urlEqualTo("/tools/later-refused")).willReturn(aResponse().withBody("{}")));
		String name = register("/tools/later-refused");
		ToolUrlGuard stricter = ToolUrlGuard.withSystemResolver(List.of("tools.internal.example"));
		try (TenantEngines restarted = new TenantEngines(this.engines.store(), this.engines.governanceStore(),
				GuardedHttpClient.create(stricter, Duration.ofSeconds(5)), EngineSettings.defaults(), this.json,
				Executors.newSingleThreadScheduledExecutor())) {
			AiToolResult result = restarted.forTenant("tenant-a")
				.ai()
				.runTool(ToolCallRequest.of(this.agent, name, Map.of()));
			assertThat(result.ok()).isFalse();
			assertThat(result.policyReason()).isEqualTo("tool_error");
			assertThat(String.valueOf(result.result())).contains("could not be reached");
		}
		tool.verify(0, postRequestedFor(urlEqualTo("/tools/later-refused")));
	}

}
