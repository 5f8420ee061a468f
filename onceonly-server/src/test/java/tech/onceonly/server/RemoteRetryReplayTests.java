package tech.onceonly.server;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import tech.onceonly.client.AiRun;
import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.remote.RemoteOnceOnly;
import tech.onceonly.client.remote.RemoteOnceOnlySettings;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our client against our server when a response is lost (issue 17, item 5): a proxy in
 * front of the server passes the first attempt on (the server takes the key) but holds
 * its answer past the client's timeout; the client's retry, with the same retry token,
 * gets the server's replay of the first answer, so the caller sees its own lock, not a
 * duplicate, and the work is not left to fail open.
 */
@ServerTest
class RemoteRetryReplayTests {

	@LocalServerPort
	int port;

	private WireMockServer proxy;

	private RemoteOnceOnly client;

	@BeforeEach
	void setUp() {
		warmUpTheServer();
		this.proxy = new WireMockServer(wireMockConfig().dynamicPort());
		this.proxy.start();
		this.client = RemoteOnceOnly.create(RemoteOnceOnlySettings.builder("test-key-tenant-a")
			.baseUrl("http://localhost:" + this.proxy.port() + "/v1")
			.timeout(Duration.ofMillis(1500))
			.failOpen(false)
			.maxRetries(2)
			.retryBackoff(Duration.ofMillis(1))
			.retryMaxBackoff(Duration.ofMillis(5))
			.jitter(0)
			.build());
	}

	/**
	 * One call straight to the server, so that its first request (servlet and store
	 * initialisation) is not the one whose retry must beat the client's timeout: on a
	 * loaded machine a cold server's first answer took longer than the timeout.
	 */
	private void warmUpTheServer() {
		try (RemoteOnceOnly direct = RemoteOnceOnly.create(RemoteOnceOnlySettings.builder("test-key-tenant-a")
			.baseUrl("http://localhost:" + this.port + "/v1")
			.failOpen(false)
			.build())) {
			assertThat(direct.checkLock("warm-up:" + UUID.randomUUID(), Duration.ofSeconds(5)).locked()).isTrue();
		}
	}

	@AfterEach
	void tearDown() {
		this.client.close();
		this.proxy.stop();
	}

	private void loseTheFirstAnswer(String path) {
		String target = "http://localhost:" + this.port;
		this.proxy.stubFor(post(urlEqualTo(path)).inScenario("lost")
			.whenScenarioStateIs(Scenario.STARTED)
			.willSetStateTo("answered")
			.willReturn(aResponse().proxiedFrom(target).withFixedDelay(4000)));
		this.proxy.stubFor(post(urlEqualTo(path)).inScenario("lost")
			.whenScenarioStateIs("answered")
			.willReturn(aResponse().proxiedFrom(target)));
		this.proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(target)));
	}

	@Test
	void checkLockRetryAfterALostAnswerShouldGetItsOwnLock() {
		loseTheFirstAnswer("/v1/check-lock");
		String key = "retry:" + UUID.randomUUID();
		CheckLockResult result = this.client.checkLock(key, Duration.ofSeconds(60));
		assertThat(result.locked()).isTrue();
		assertThat(result.duplicate()).isFalse();
		assertThat(result.raw()).doesNotContainKey("fail_open");
		assertThat(this.proxy.findAll(postRequestedFor(urlEqualTo("/v1/check-lock")))).hasSize(2);
		assertThat(this.client.checkLock(key, Duration.ofSeconds(60)).duplicate()).isTrue();
	}

	@Test
	void leaseRetryAfterALostAnswerShouldGetItsOwnLease() {
		loseTheFirstAnswer("/v1/ai/lease");
		String key = "retry:" + UUID.randomUUID();
		AiRun run = this.client.ai().lease(key, Duration.ofSeconds(60), Map.of());
		assertThat(run.acquired()).isTrue();
		assertThat(this.client.ai().complete(key, run.leaseId(), Map.of("ok", true), null).raw())
			.containsEntry("status", "completed");
	}

}
