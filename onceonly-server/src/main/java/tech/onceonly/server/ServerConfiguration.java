package tech.onceonly.server;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.engine.EngineSettings;
import tech.onceonly.engine.governance.GovernanceEngine;
import tech.onceonly.server.auth.ApiKeyFilter;
import tech.onceonly.server.auth.ApiKeyRegistry;
import tech.onceonly.server.auth.ApiKeys;
import tech.onceonly.server.limits.Plans;
import tech.onceonly.server.limits.RateLimiter;
import tech.onceonly.server.limits.UsageCounters;
import tech.onceonly.server.replay.ReplayCache;
import tech.onceonly.server.replay.RequestIdReplayFilter;
import tech.onceonly.server.security.GuardedHttpClient;
import tech.onceonly.server.security.ToolUrlGuard;
import tech.onceonly.server.web.ErrorBodies;
import tech.onceonly.server.web.JsonErrorReportValve;
import tech.onceonly.server.web.RequestGuardFilter;
import tech.onceonly.spring.autoconfigure.OnceOnlyProperties;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.memory.InMemoryGovernanceStore;
import tech.onceonly.store.memory.InMemoryStore;

/**
 * The server's beans: API keys, tenant engines on the store and governance store (calling
 * registered tools through the guarded HTTP client), limits, the request-id replay, the
 * tool URL guard, and a Tomcat connector that passes encoded slashes through so path
 * segments such as {@code run%20x%2Fy} reach the handlers as one decoded segment.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OnceOnlyServerProperties.class)
public class ServerConfiguration {

	private static final Log logger = LogFactory.getLog(ServerConfiguration.class);

	@Bean
	ApiKeyRegistry apiKeyRegistry(OnceOnlyServerProperties properties) {
		return registry(properties, System.out);
	}

	/**
	 * The configured keys; with none configured and generation on, a new key for the
	 * default tenant, printed once to {@code console} (never to the log).
	 */
	static ApiKeyRegistry registry(OnceOnlyServerProperties properties, PrintStream console) {
		ApiKeyRegistry registry = ApiKeyRegistry.of(properties.getApiKeys());
		if (!registry.isEmpty()) {
			return registry;
		}
		if (!properties.isGenerateDefaultKey()) {
			throw new IllegalStateException("No API key is configured: set onceonly.server.api-keys[0].key-sha256 "
					+ "(see --onceonly.server.generate-key) or onceonly.server.generate-default-key=true");
		}
		String tenant = properties.getDefaultTenant();
		String key = ApiKeys.generate();
		ApiKeyRegistry generated = ApiKeyRegistry.of(properties.getApiKeys()).with(key, tenant, "self-hosted");
		console.print("\n==== OnceOnly server: no API key configured; generated one for tenant '" + tenant
				+ "' (valid until restart) ====\n" + ApiKeys.describeNewKey(key, tenant)
				+ "==============================================================================\n\n");
		console.flush();
		logger.info("Generated an API key for tenant '" + tenant + "' and printed it to the console once");
		return generated;
	}

	@Bean
	TenantEngines tenantEngines(ObjectProvider<OnceOnlyStore> store, ObjectProvider<GovernanceStore> governanceStore,
			ObjectProvider<OnceOnlyProperties> onceOnly, GuardedHttpClient toolHttpClient, JsonMapper json) {
		OnceOnlyStore chosen = store.getIfAvailable(InMemoryStore::new);
		GovernanceStore governance = governanceStore
			.getIfAvailable(() -> new InMemoryGovernanceStore(GovernanceEngine.clockOf(chosen)));
		ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "onceonly-server-heartbeat");
			thread.setDaemon(true);
			return thread;
		});
		logger.info("OnceOnly server serving /v1 on the '" + chosen.type() + "' store, governance on the '"
				+ governance.type() + "' store, one namespace per tenant");
		return new TenantEngines(chosen, governance, toolHttpClient, engineSettings(onceOnly.getIfAvailable()), json,
				heartbeats);
	}

	@Bean
	PendingToolCalls pendingToolCalls(TenantEngines engines) {
		GovernanceStore governance = engines.governanceStore();
		return new PendingToolCalls(governance::now);
	}

	/**
	 * The engine defaults of {@code onceonly.local.*}; the namespace is the prefix of
	 * every tenant's namespace.
	 */
	static EngineSettings engineSettings(@Nullable OnceOnlyProperties properties) {
		if (properties == null) {
			return EngineSettings.defaults();
		}
		OnceOnlyProperties.Local local = properties.getLocal();
		return EngineSettings.defaults()
			.withTtls(local.getDefaultLockTtl(), local.getDefaultLeaseTtl(), local.getMaxTtl())
			.withRetention(local.getRetention())
			.withNamespace(local.getNamespace());
	}

	@Bean
	Plans plans(OnceOnlyServerProperties properties) {
		return new Plans(properties);
	}

	@Bean
	RateLimiter rateLimiter() {
		return new RateLimiter(System::nanoTime);
	}

	@Bean
	UsageCounters usageCounters(Plans plans) {
		return new UsageCounters(Clock.systemUTC(), plans);
	}

	@Bean
	ErrorBodies errorBodies(JsonMapper json) {
		return new ErrorBodies(json);
	}

	@Bean
	ToolUrlGuard toolUrlGuard(OnceOnlyServerProperties properties) {
		return ToolUrlGuard.withSystemResolver(properties.getToolUrlAllowList());
	}

	@Bean
	GuardedHttpClient toolHttpClient(ToolUrlGuard guard) {
		return GuardedHttpClient.create(guard, Duration.ofSeconds(5));
	}

	@Bean
	ReplayCache replayCache(OnceOnlyServerProperties properties) {
		OnceOnlyServerProperties.RequestId config = properties.getRequestId();
		return new ReplayCache(config.getWindow(), config.getMaxEntries(), config.getMaxTotalSize().toBytes(),
				System::nanoTime);
	}

	@Bean
	FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(ApiKeyRegistry registry, RateLimiter rateLimiter, Plans plans,
			ErrorBodies errors) {
		FilterRegistrationBean<ApiKeyFilter> registration = new FilterRegistrationBean<>(
				new ApiKeyFilter(registry, rateLimiter, plans, errors));
		registration.addUrlPatterns("/v1/*");
		registration.setOrder(-1);
		return registration;
	}

	@Bean
	FilterRegistrationBean<RequestGuardFilter> requestGuardFilter(OnceOnlyServerProperties properties,
			ErrorBodies errors) {
		FilterRegistrationBean<RequestGuardFilter> registration = new FilterRegistrationBean<>(
				new RequestGuardFilter(properties.getMaxRequestBodySize().toBytes(), errors));
		registration.addUrlPatterns("/v1/*");
		registration.setOrder(0);
		return registration;
	}

	@Bean
	FilterRegistrationBean<RequestIdReplayFilter> requestIdReplayFilter(ReplayCache cache,
			OnceOnlyServerProperties properties, ErrorBodies errors) {
		OnceOnlyServerProperties.RequestId config = properties.getRequestId();
		FilterRegistrationBean<RequestIdReplayFilter> registration = new FilterRegistrationBean<>(
				new RequestIdReplayFilter(cache, (int) Math.min(Integer.MAX_VALUE, config.getMaxBodySize().toBytes()),
						config.getInFlightWait(), errors, properties.getMaxRequestBodySize().toBytes()));
		registration.addUrlPatterns("/v1/*");
		registration.setOrder(1);
		return registration;
	}

	/**
	 * Tomcat's own error answers (requests refused before they reach the application) in
	 * the API's JSON shape: replaces the host's HTML error report valve.
	 */
	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonErrorReports() {
		return new JsonErrorReports();
	}

	@Order(Ordered.LOWEST_PRECEDENCE)
	static final class JsonErrorReports implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

		@Override
		public void customize(TomcatServletWebServerFactory factory) {
			factory.addContextCustomizers((context) -> {
				if (context.getParent() instanceof StandardHost host) {
					for (Valve valve : host.getPipeline().getValves()) {
						if (valve instanceof ErrorReportValve) {
							host.getPipeline().removeValve(valve);
						}
					}
					host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
					host.getPipeline().addValve(new JsonErrorReportValve());
				}
			});
		}

	}

	@Bean
	TomcatConnectorCustomizer encodedSlashPassthrough() {
		return (connector) -> connector.setEncodedSolidusHandling("passthrough");
	}

}
