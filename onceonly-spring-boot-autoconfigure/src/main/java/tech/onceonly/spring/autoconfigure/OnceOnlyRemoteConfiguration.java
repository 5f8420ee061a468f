package tech.onceonly.spring.autoconfigure;

import java.util.Objects;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.remote.RemoteOnceOnly;
import tech.onceonly.client.remote.RemoteOnceOnlySettings;

/**
 * The remote client's factory, when the resolved mode is remote and {@code WebClient} is
 * on the classpath (it runs on Reactor Netty when the application has it and on the JDK's
 * {@code HttpClient} otherwise, see {@code onceonly.remote.http-client}). It starts from
 * the application's {@link WebClient.Builder} (so its customizations, such as
 * observation, apply) and the application's {@link JsonMapper}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = { "tech.onceonly.client.remote.RemoteOnceOnly",
		"org.springframework.web.reactive.function.client.WebClient" })
@Conditional(OnceOnlyMode.OnRemoteMode.class)
class OnceOnlyRemoteConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OnceOnlyRemoteClientFactory onceOnlyRemoteClientFactory(ObjectProvider<WebClient.Builder> webClientBuilder,
			ObjectProvider<JsonMapper> jsonMapper) {
		return (properties) -> new RemoteOnceOnly(settings(properties),
				webClientBuilder.getIfAvailable(WebClient::builder),
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
	}

	static RemoteOnceOnlySettings settings(OnceOnlyProperties properties) {
		OnceOnlyProperties.Retry retry = properties.getRetry();
		return RemoteOnceOnlySettings.builder(Objects.requireNonNull(properties.getApiKey(), "onceonly.api-key"))
			.baseUrl(properties.getBaseUrl())
			.timeout(properties.getTimeout())
			.connectTimeout(properties.getConnectTimeout())
			.failOpen(properties.isFailOpen())
			.userAgent(properties.getUserAgent())
			.maxRetries(retry.getMaxRetries())
			.retryBackoff(retry.getBackoff())
			.retryMaxBackoff(retry.getMaxBackoff())
			.retryAfterCap(retry.getRetryAfterCap())
			.jitter(retry.isJitter())
			.httpClient(properties.getRemote().getHttpClient())
			.maxIdleTime(properties.getRemote().getMaxIdleTime())
			.maxConnections(properties.getRemote().getMaxConnections())
			.build();
	}

}
