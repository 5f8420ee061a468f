package tech.onceonly.spring.autoconfigure;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.remote.RemoteOnceOnly;
import tech.onceonly.client.remote.RemoteOnceOnlySettings;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class OnceOnlyAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OnceOnlyAutoConfiguration.class));

	@Test
	void defaultsToTheLocalEngineOnTheMemoryStore(CapturedOutput output) {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(OnceOnly.class).hasSingleBean(InMemoryStore.class);
			assertThat(context.getBean(OnceOnly.class)).isInstanceOf(LocalOnceOnly.class);
			assertThat(((LocalOnceOnly) context.getBean(OnceOnly.class)).store())
				.isSameAs(context.getBean(OnceOnlyStore.class));
		});
		assertThat(output).containsOnlyOnce("OnceOnly: local engine on memory store");
	}

	@Test
	void localPropertiesShouldConfigureTheEngine() {
		this.runner
			.withPropertyValues("onceonly.mode=local", "onceonly.local.retention=2d", "onceonly.local.namespace=app:",
					"onceonly.local.default-lease-ttl=90s", "onceonly.store.memory.max-entries=10")
			.run((context) -> {
				LocalOnceOnly client = context.getBean(LocalOnceOnly.class);
				assertThat(client.settings().retention()).isEqualTo(Duration.ofDays(2));
				assertThat(client.settings().namespace()).isEqualTo("app:");
				assertThat(client.settings().defaultLeaseTtl()).isEqualTo(Duration.ofSeconds(90));
				for (int i = 0; i < 10; i++) {
					client.checkLock("k" + i);
				}
				assertThat(context.getBean(InMemoryStore.class).size()).isEqualTo(10);
			});
	}

	@Test
	void disabledShouldBackOffEntirely() {
		this.runner.withPropertyValues("onceonly.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(OnceOnly.class)
				.doesNotHaveBean(OnceOnlyStore.class)
				.doesNotHaveBean(OnceOnlyProperties.class));
	}

	@Test
	void userDefinedClientShouldWin() {
		this.runner.withUserConfiguration(UserClientConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(OnceOnly.class);
			assertThat(context.getBean(OnceOnly.class)).isSameAs(context.getBean("myClient"));
		});
	}

	@Test
	void userDefinedStoreShouldBackTheLocalEngine() {
		this.runner.withUserConfiguration(UserStoreConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(OnceOnlyStore.class);
			assertThat(context.getBean(LocalOnceOnly.class).store()).isSameAs(context.getBean("myStore"));
		});
	}

	@Test
	void customizersShouldBeAppliedInOrder() {
		this.runner.withUserConfiguration(CustomizerConfiguration.class).run((context) -> {
			OnceOnly client = context.getBean(OnceOnly.class);
			assertThat(client).isInstanceOf(Decorated.class);
			assertThat(((Decorated) client).name()).isEqualTo("second");
			assertThat(((Decorated) client).delegate()).isInstanceOf(Decorated.class);
			assertThat(((Decorated) ((Decorated) client).delegate()).delegate()).isInstanceOf(LocalOnceOnly.class);
		});
	}

	@Test
	void remoteModeWithoutApiKeyShouldFailWithWhatToSet() {
		this.runner.withPropertyValues("onceonly.mode=remote").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new OnceOnlyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("onceonly.mode=remote requires an API key");
			assertThat(analysis.getAction()).contains("onceonly.api-key").contains("ONCEONLY_API_KEY");
		});
	}

	@Test
	void chosenStoreThatIsMissingShouldFailWithWhatToSet() {
		this.runner.withPropertyValues("onceonly.store.type=redis").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new OnceOnlyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("onceonly.store.type=redis");
			assertThat(analysis.getAction()).contains("onceonly.store.type=memory");
		});
	}

	@Test
	void autoModeWithApiKeyShouldUseTheRemoteClientAndNeverLogTheKey(CapturedOutput output) {
		this.runner.withUserConfiguration(FakeRemoteConfiguration.class)
			.withPropertyValues("onceonly.api-key=sk_live_secret", "onceonly.base-url=https://example.test/v1")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(OnceOnlyStore.class);
				assertThat(context.getBean(OnceOnly.class)).isSameAs(FakeRemoteConfiguration.CLIENT);
			});
		assertThat(output).contains("OnceOnly: remote API at https://example.test/v1 (fail-open=true)")
			.doesNotContain("sk_live_secret");
	}

	@Test
	void remoteModeShouldBuildTheRemoteClientFromProperties(CapturedOutput output) {
		this.runner
			.withPropertyValues("onceonly.mode=remote", "onceonly.api-key=sk_live_secret",
					"onceonly.base-url=http://127.0.0.1:9/", "onceonly.timeout=2s", "onceonly.connect-timeout=1s",
					"onceonly.fail-open=false", "onceonly.user-agent=my-agent/1", "onceonly.retry.max-retries=5",
					"onceonly.retry.backoff=100ms", "onceonly.retry.max-backoff=3s",
					"onceonly.retry.retry-after-cap=7s", "onceonly.retry.jitter=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(OnceOnly.class).doesNotHaveBean(OnceOnlyStore.class);
				RemoteOnceOnlySettings settings = context.getBean(RemoteOnceOnly.class).settings();
				assertThat(settings.apiKey()).isEqualTo("sk_live_secret");
				assertThat(settings.baseUrl())
					.isEqualTo(RemoteOnceOnlySettings.normalizeBaseUrl("http://127.0.0.1:9/"));
				assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
				assertThat(settings.failOpen()).isFalse();
				assertThat(settings.userAgent()).isEqualTo("my-agent/1");
				assertThat(settings.maxRetries()).isEqualTo(5);
				assertThat(settings.retryBackoff()).isEqualTo(Duration.ofMillis(100));
				assertThat(settings.retryMaxBackoff()).isEqualTo(Duration.ofSeconds(3));
				assertThat(settings.retryAfterCap()).isEqualTo(Duration.ofSeconds(7));
				assertThat(settings.jitter()).isZero();
			});
		assertThat(output).contains("OnceOnly: remote API at http://127.0.0.1:9/ (fail-open=false)")
			.doesNotContain("sk_live_secret");
	}

	@Test
	void remoteModeWithoutWebClientShouldFailWithWhatToAdd() {
		this.runner.withClassLoader(new FilteredClassLoader(WebClient.class))
			.withPropertyValues("onceonly.mode=remote", "onceonly.api-key=sk_live_secret")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new OnceOnlyFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("remote client is not available");
				assertThat(analysis.getAction()).contains("org.springframework.boot:spring-boot-webclient");
			});
	}

	@Test
	void localModeShouldIgnoreTheApiKey() {
		this.runner.withUserConfiguration(FakeRemoteConfiguration.class)
			.withPropertyValues("onceonly.mode=local", "onceonly.api-key=sk_live_secret")
			.run((context) -> assertThat(context.getBean(OnceOnly.class)).isInstanceOf(LocalOnceOnly.class));
	}

	@Test
	void environmentVariablesShouldBindWithRelaxedNames() {
		this.runner.withUserConfiguration(FakeRemoteConfiguration.class)
			.withInitializer(
					(context) -> context.getEnvironment()
						.getPropertySources()
						.addFirst(new SystemEnvironmentPropertySource(
								StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								Map.of("ONCEONLY_API_KEY", "sk_env", "ONCEONLY_BASE_URL", "https://env.test/v1",
										"ONCEONLY_FAIL_OPEN", "false"))))
			.run((context) -> {
				OnceOnlyProperties properties = context.getBean(OnceOnlyProperties.class);
				assertThat(properties.getApiKey()).isEqualTo("sk_env");
				assertThat(properties.getBaseUrl()).isEqualTo("https://env.test/v1");
				assertThat(properties.isFailOpen()).isFalse();
				assertThat(context.getBean(OnceOnly.class)).isSameAs(FakeRemoteConfiguration.CLIENT);
			});
	}

	@Test
	void propertiesToStringShouldHideTheApiKey() {
		OnceOnlyProperties properties = new OnceOnlyProperties();
		properties.setApiKey("sk_live_secret");
		assertThat(properties.toString()).doesNotContain("sk_live_secret");
	}

	static OnceOnly fakeClient() {
		return (OnceOnly) Proxy.newProxyInstance(OnceOnlyAutoConfigurationTests.class.getClassLoader(),
				new Class<?>[] { OnceOnly.class }, (proxy, method, args) -> {
					if (method.getName().equals("toString")) {
						return "fake";
					}
					throw new UnsupportedOperationException(method.getName());
				});
	}

	record Decorated(String name, OnceOnly delegate) implements OnceOnly {

		@Override
		public tech.onceonly.client.CheckLockResult checkLock(String key, Duration ttl, Map<String, ?> metadata,
				String requestId) {
			return this.delegate.checkLock(key, ttl, metadata, requestId);
		}

		@Override
		public tech.onceonly.client.OnceOnlyAi ai() {
			return this.delegate.ai();
		}

		@Override
		public tech.onceonly.client.OnceOnlyGov gov() {
			return this.delegate.gov();
		}

		@Override
		public Map<String, Object> me() {
			return this.delegate.me();
		}

		@Override
		public Map<String, Object> updateNotifications(tech.onceonly.client.NotificationPreferences preferences) {
			return this.delegate.updateNotifications(preferences);
		}

		@Override
		public Map<String, Object> usage(String kind) {
			return this.delegate.usage(kind);
		}

		@Override
		public Map<String, Object> usageAll() {
			return this.delegate.usageAll();
		}

		@Override
		public Map<String, Object> events(int limit, int offset) {
			return this.delegate.events(limit, offset);
		}

		@Override
		public Map<String, Object> postEvent(tech.onceonly.client.RunEvent event) {
			return this.delegate.postEvent(event);
		}

		@Override
		public Map<String, Object> metrics(String fromDay, String toDay) {
			return this.delegate.metrics(fromDay, toDay);
		}

		@Override
		public Map<String, Object> getRunTimeline(String runId, int limit, int offset) {
			return this.delegate.getRunTimeline(runId, limit, offset);
		}

		@Override
		public tech.onceonly.client.ReactiveOnceOnly reactive() {
			return this.delegate.reactive();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserClientConfiguration {

		@Bean
		OnceOnly myClient() {
			return fakeClient();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserStoreConfiguration {

		@Bean
		OnceOnlyStore myStore() {
			return new InMemoryStore(MutableClock.startingAt2026());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		@Bean
		@Order(2)
		OnceOnlyClientCustomizer second() {
			return (client) -> new Decorated("second", client);
		}

		@Bean
		@Order(1)
		OnceOnlyClientCustomizer first() {
			return (client) -> new Decorated("first", client);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FakeRemoteConfiguration {

		static final OnceOnly CLIENT = fakeClient();

		@Bean
		OnceOnlyRemoteClientFactory fakeRemote() {
			return (properties) -> CLIENT;
		}

	}

}
