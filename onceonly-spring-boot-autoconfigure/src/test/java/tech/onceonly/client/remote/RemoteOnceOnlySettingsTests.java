package tech.onceonly.client.remote;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Settings: the documented defaults, base-URL normalisation, validation and a
 * {@code toString()} without the key.
 */
class RemoteOnceOnlySettingsTests {

	private static final String KEY = "once_live_abcdef123456";

	@Test
	void defaultsFollowTheDesign() {
		RemoteOnceOnlySettings settings = RemoteOnceOnlySettings.builder(KEY).build();
		assertThat(settings.baseUrl()).isEqualTo("https://api.onceonly.tech/v1");
		assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(settings.failOpen()).isTrue();
		assertThat(settings.maxRetries()).isEqualTo(3);
		assertThat(settings.retryBackoff()).isEqualTo(Duration.ofMillis(500));
		assertThat(settings.retryMaxBackoff()).isEqualTo(Duration.ofSeconds(10));
		assertThat(settings.retryAfterCap()).isEqualTo(Duration.ofSeconds(30));
		assertThat(settings.jitter()).isEqualTo(0.5);
		assertThat(settings.userAgent()).startsWith("onceonly-java-sdk/");
	}

	@ParameterizedTest
	@CsvSource({ "https://api.onceonly.tech, https://api.onceonly.tech/v1",
			"https://api.onceonly.tech/, https://api.onceonly.tech/v1",
			"'  https://api.onceonly.tech/v1/  ', https://api.onceonly.tech/v1",
			"http://localhost:8080///, http://localhost:8080/v1",
			"https://proxy.example.com/onceonly, https://proxy.example.com/onceonly",
			"https://proxy.example.com/custom/v2/, https://proxy.example.com/custom/v2", "'not a url//', not a url" })
	void baseUrlIsNormalisedAsTheSdksDo(String given, String expected) {
		assertThat(RemoteOnceOnlySettings.normalizeBaseUrl(given)).isEqualTo(expected);
		assertThat(RemoteOnceOnlySettings.builder(KEY).baseUrl(given).build().baseUrl()).isEqualTo(expected);
	}

	@Test
	void blankBaseUrlMeansTheHostedApi() {
		assertThat(RemoteOnceOnlySettings.normalizeBaseUrl(" ")).isEqualTo(RemoteOnceOnlySettings.DEFAULT_BASE_URL);
	}

	@Test
	void apiKeyIsRequired() {
		assertThatIllegalArgumentException().isThrownBy(() -> RemoteOnceOnlySettings.builder(" ").build())
			.withMessage("apiKey is required");
		assertThatNullPointerException().isThrownBy(() -> RemoteOnceOnlySettings.builder(null).build());
	}

	@Test
	void invalidValuesAreRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RemoteOnceOnlySettings.builder(KEY).timeout(Duration.ZERO).build())
			.withMessageContaining("timeout");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RemoteOnceOnlySettings.builder(KEY).maxRetries(-1).build())
			.withMessageContaining("maxRetries");
		assertThatIllegalArgumentException().isThrownBy(() -> RemoteOnceOnlySettings.builder(KEY).jitter(1.5).build())
			.withMessageContaining("jitter");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RemoteOnceOnlySettings.builder(KEY).retryBackoff(Duration.ofSeconds(-1)).build())
			.withMessageContaining("retryBackoff");
	}

	@Test
	void toStringNeverShowsTheApiKey() {
		RemoteOnceOnlySettings settings = RemoteOnceOnlySettings.builder(KEY).build();
		assertThat(settings.toString()).doesNotContain(KEY).doesNotContain("abcdef").contains("apiKey=<redacted>");
	}

	@Test
	void toBuilderKeepsEverySetting() {
		RemoteOnceOnlySettings settings = RemoteOnceOnlySettings.builder(KEY)
			.baseUrl("http://localhost:9000")
			.timeout(Duration.ofSeconds(2))
			.connectTimeout(Duration.ofSeconds(1))
			.failOpen(false)
			.maxRetries(5)
			.retryBackoff(Duration.ofMillis(100))
			.retryMaxBackoff(Duration.ofSeconds(3))
			.retryAfterCap(Duration.ofSeconds(7))
			.jitter(0.2)
			.userAgent("x/1")
			.build();
		assertThat(settings.toBuilder().build()).isEqualTo(settings);
		assertThat(settings.baseUrl()).isEqualTo("http://localhost:9000/v1");
	}

	@Test
	void jitterSwitchMapsToTheDefaultFactorOrZero() {
		assertThat(RemoteOnceOnlySettings.builder(KEY).jitter(true).build().jitter()).isEqualTo(0.5);
		assertThat(RemoteOnceOnlySettings.builder(KEY).jitter(false).build().jitter()).isZero();
	}

	@Test
	void nullBaseUrlAndUserAgentMeanTheDefaults() {
		RemoteOnceOnlySettings settings = RemoteOnceOnlySettings.builder(KEY).baseUrl(null).userAgent(null).build();
		assertThat(settings.baseUrl()).isEqualTo(RemoteOnceOnlySettings.DEFAULT_BASE_URL);
		assertThat(settings.userAgent()).isEqualTo(RemoteOnceOnlySettings.DEFAULT_USER_AGENT);
	}

	@Test
	void blankUserAgentFallsBackToTheDefault() {
		assertThat(RemoteOnceOnlySettings.builder(KEY).userAgent(" ").build().userAgent())
			.isEqualTo(RemoteOnceOnlySettings.DEFAULT_USER_AGENT);
	}

	@Test
	void factoryBuildsAClientForTheHostedApiWithoutShowingTheKey() {
		try (RemoteOnceOnly client = RemoteOnceOnly.create(KEY)) {
			assertThat(client.settings().baseUrl()).isEqualTo(RemoteOnceOnlySettings.DEFAULT_BASE_URL);
			assertThat(client.reactive()).isInstanceOf(ReactiveRemoteOnceOnly.class);
			assertThat(client.toString()).doesNotContain(KEY);
		}
	}

}
