package tech.onceonly.spring.health;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.remote.RemoteOnceOnly;
import tech.onceonly.client.remote.RemoteOnceOnlySettings;
import tech.onceonly.spring.observation.ObservedOnceOnly;
import tech.onceonly.spring.observation.OnceOnlyMeters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health indicator and the observation decorator around the real remote client,
 * against WireMock.
 */
class OnceOnlyRemoteHealthAndObservationTests {

	private static final String API_KEY = "once_live_wiremock_secret";

	/**
	 * The first call of a cold WebClient can take seconds on a busy machine; the timeout
	 * is tested elsewhere.
	 */
	private static final Duration GENEROUS = Duration.ofSeconds(15);

	private final WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));

	private RemoteOnceOnly remote;

	@BeforeEach
	void start() {
		this.server.start();
		this.remote = RemoteOnceOnly
			.create(RemoteOnceOnlySettings.builder(API_KEY).baseUrl(baseUrl()).maxRetries(0).timeout(GENEROUS).build());
	}

	@AfterEach
	void stop() {
		this.remote.close();
		this.server.stop();
	}

	private String baseUrl() {
		return "http://127.0.0.1:" + this.server.port() + "/v1";
	}

	@Test
	void remoteShouldBeUpWithPlan() {
		this.server.stubFor(get("/v1/me").willReturn(okJson("{\"plan\":\"starter\",\"email\":\"a@b.c\"}")));
		Health health = new OnceOnlyHealthIndicator(this.remote, GENEROUS, baseUrl()).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("plan", "starter")
			.containsEntry("host", "127.0.0.1:" + this.server.port())
			.doesNotContainKey("email");
	}

	@Test
	void rejectedKeyShouldBeDownWithoutTheKey() {
		this.server.stubFor(get("/v1/me").willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"detail\":\"invalid api key " + API_KEY + "\"}")));
		Health health = new OnceOnlyHealthIndicator(this.remote, GENEROUS, baseUrl()).health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("error", "UnauthorizedException");
		assertThat(health.getDetails().toString()).doesNotContain(API_KEY);
	}

	@Test
	void failOpenCheckLockOnA5xxShouldBeObservedAndCounted() {
		this.server.stubFor(post("/v1/check-lock").willReturn(aResponse().withStatus(503)));
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		OnceOnly client = new ObservedOnceOnly(this.remote, observations, null, new OnceOnlyMeters(meters, false, 0));
		assertThat(client.checkLock("order-9").isFailOpen()).isTrue();
		assertThat(meters.get("onceonly.client")
			.tags("operation", "check_lock", "outcome", "fail_open", "backend", "remote")
			.timer()
			.count()).isEqualTo(1);
		assertThat(meters.get("onceonly.fail.open").tags("reason", "api_5xx").counter().count()).isEqualTo(1.0);
	}

}
