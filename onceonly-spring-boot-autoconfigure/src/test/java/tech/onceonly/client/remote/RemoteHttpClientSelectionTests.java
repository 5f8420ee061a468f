package tech.onceonly.client.remote;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration;
import tech.onceonly.spring.autoconfigure.OnceOnlyPropertiesFailureAnalyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Which HTTP client library the remote client runs on ({@code onceonly.remote.*} and
 * {@link RemoteOnceOnlySettings#httpClient()}), and that the application context releases
 * the client's connections when it closes.
 */
class RemoteHttpClientSelectionTests {

	private static final String KEY = "once_live_selection_S3CR3T";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OnceOnlyAutoConfiguration.class))
		.withPropertyValues("onceonly.mode=remote", "onceonly.api-key=" + KEY, "onceonly.base-url=http://127.0.0.1:9/");

	@Test
	void autoIsReactorNettyWhenPresentAndTheJdkClientOtherwise() {
		assertThat(RemoteTransport.resolve(RemoteHttpClient.AUTO, true)).isEqualTo(RemoteHttpClient.REACTOR_NETTY);
		assertThat(RemoteTransport.resolve(RemoteHttpClient.AUTO, false)).isEqualTo(RemoteHttpClient.JDK);
		assertThat(RemoteTransport.resolve(RemoteHttpClient.JDK, true)).isEqualTo(RemoteHttpClient.JDK);
		assertThat(RemoteTransport.resolve(RemoteHttpClient.REACTOR_NETTY, true))
			.isEqualTo(RemoteHttpClient.REACTOR_NETTY);
	}

	@Test
	void reactorNettyAskedForButAbsentSaysWhatToAdd() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RemoteTransport.resolve(RemoteHttpClient.REACTOR_NETTY, false))
			.withMessageContaining("onceonly.remote.http-client")
			.withMessageContaining("io.projectreactor.netty:reactor-netty-http")
			.withMessageContaining("'auto' or 'jdk'");
	}

	@Test
	void defaultsAreAutoTwentySecondsIdleAndFiveHundredConnections() {
		RemoteOnceOnlySettings settings = RemoteOnceOnlySettings.builder(KEY).build();
		assertThat(settings.httpClient()).isEqualTo(RemoteHttpClient.AUTO);
		assertThat(settings.maxIdleTime()).isEqualTo(Duration.ofSeconds(20));
		assertThat(settings.maxConnections()).isEqualTo(500);
		assertThat(settings.toBuilder().build()).isEqualTo(settings);
		assertThat(settings.toString()).contains("httpClient=AUTO").doesNotContain(KEY);
	}

	@Test
	void badPoolSettingsAreRefusedWithWhatIsAllowed() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RemoteOnceOnlySettings.builder(KEY).maxIdleTime(Duration.ZERO).build())
			.withMessage("maxIdleTime must be positive, was PT0S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RemoteOnceOnlySettings.builder(KEY).maxConnections(0).build())
			.withMessage("maxConnections must be at least 1, was 0");
	}

	@Test
	void clientWithoutAChoiceRunsOnReactorNettyWhichIsOnThisClasspath() {
		try (RemoteOnceOnly client = RemoteOnceOnly.create(KEY)) {
			assertThat(client.httpClient()).isEqualTo(RemoteHttpClient.REACTOR_NETTY);
		}
	}

	@Test
	void applicationWithReactorNettyGetsItAndItsPoolIsReleasedWhenTheContextCloses() {
		AtomicReference<RemoteOnceOnly> client = new AtomicReference<>();
		this.runner.withPropertyValues("onceonly.remote.max-idle-time=7s", "onceonly.remote.max-connections=12")
			.run((context) -> {
				client.set(context.getBean(RemoteOnceOnly.class));
				assertThat(client.get().httpClient()).isEqualTo(RemoteHttpClient.REACTOR_NETTY);
				assertThat(client.get().settings().maxIdleTime()).isEqualTo(Duration.ofSeconds(7));
				assertThat(client.get().settings().maxConnections()).isEqualTo(12);
				assertThat(client.get().isReleased()).isFalse();
			});
		assertThat(client.get().isReleased()).isTrue();
	}

	@Test
	void propertyChoosesTheJdkClientAndTheContextReleasesItsThreads() {
		AtomicReference<RemoteOnceOnly> client = new AtomicReference<>();
		this.runner.withPropertyValues("onceonly.remote.http-client=jdk").run((context) -> {
			client.set(context.getBean(RemoteOnceOnly.class));
			assertThat(client.get().httpClient()).isEqualTo(RemoteHttpClient.JDK);
			assertThat(client.get().isReleased()).isFalse();
		});
		assertThat(client.get().isReleased()).isTrue();
	}

	@Test
	void propertyAcceptsReactorNettyByItsKebabName() {
		this.runner.withPropertyValues("onceonly.remote.http-client=reactor-netty")
			.run((context) -> assertThat(context.getBean(RemoteOnceOnly.class).httpClient())
				.isEqualTo(RemoteHttpClient.REACTOR_NETTY));
	}

	@Test
	void badPoolPropertiesFailTheStartupNamingTheProperty() {
		this.runner.withPropertyValues("onceonly.remote.max-connections=0", "onceonly.remote.max-idle-time=0s")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new OnceOnlyPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: onceonly.remote.max-connections")
					.contains("must be a whole number of 1 or more")
					.contains("Property: onceonly.remote.max-idle-time")
					.contains("must be a positive duration");
			});
	}

}
