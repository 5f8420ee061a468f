package tech.onceonly.spring.autoconfigure.store;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import tech.onceonly.spring.autoconfigure.OnceOnlyProperties;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.redis.RedisGovernanceStore;
import tech.onceonly.store.redis.RedisNearCacheSettings;
import tech.onceonly.store.redis.RedisStore;

/**
 * Auto-configuration of the Redis backend when {@code onceonly.store.type=redis}: the
 * {@link RedisStore} and the {@link RedisGovernanceStore} (under the key prefix plus
 * {@code gov:}) on the application's {@link RedisConnectionFactory} (standalone, sentinel
 * or cluster), after checking at startup that the server is safe for it
 * ({@code onceonly.store.redis.safety-checks}, see {@link RedisSafetyReport}).
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		beforeName = "tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration")
@ConditionalOnClass({ RedisConnectionFactory.class, StringRedisTemplate.class })
@ConditionalOnBooleanProperty(name = "onceonly.enabled", matchIfMissing = true)
@ConditionalOnProperty(prefix = "onceonly.store", name = "type", havingValue = "redis")
@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
@EnableConfigurationProperties(OnceOnlyProperties.class)
public final class OnceOnlyRedisStoreAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RedisSafetyReport onceOnlyRedisSafetyReport(RedisConnectionFactory connectionFactory,
			OnceOnlyProperties properties) {
		return RedisSafetyReport.check(connectionFactory, properties.getStore().getRedis());
	}

	@Bean
	@ConditionalOnMissingBean(OnceOnlyStore.class)
	RedisStore onceOnlyStore(RedisConnectionFactory connectionFactory, OnceOnlyProperties properties,
			RedisSafetyReport safety) {
		OnceOnlyProperties.Store.Redis redis = properties.getStore().getRedis();
		OnceOnlyProperties.Store.Redis.NearCache nearCache = redis.getNearCache();
		return new RedisStore(connectionFactory, redis.getKeyPrefix(), new RedisNearCacheSettings(nearCache.isEnabled(),
				nearCache.getMaxAge(), nearCache.getMaxEntries(), nearCache.getMaxBytes().toBytes()));
	}

	/**
	 * The governance store beside the lease store, so policies, the kill switch, budgets
	 * and the audit log are shared by every JVM.
	 */
	@Bean
	@ConditionalOnMissingBean(GovernanceStore.class)
	RedisGovernanceStore onceOnlyGovernanceStore(RedisConnectionFactory connectionFactory,
			OnceOnlyProperties properties, RedisSafetyReport safety) {
		return new RedisGovernanceStore(new StringRedisTemplate(connectionFactory),
				properties.getStore().getRedis().getKeyPrefix() + "gov:", RedisGovernanceStore.DEFAULT_RETENTION,
				RedisGovernanceStore.DEFAULT_MAX_AUDIT_PER_AGENT, RedisGovernanceStore.DEFAULT_MAX_EVENTS);
	}

	/**
	 * The near cache's hits and misses as the counter
	 * {@code onceonly.store.redis.near-cache} (tag {@code result}: {@code hit},
	 * {@code miss}), bound by Spring Boot to every registry when Micrometer is present.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class NearCacheMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "onceOnlyRedisNearCacheMetrics")
		MeterBinder onceOnlyRedisNearCacheMetrics(ObjectProvider<RedisStore> stores) {
			return (registry) -> stores.ifAvailable((store) -> {
				FunctionCounter.builder("onceonly.store.redis.near-cache", store, RedisStore::nearCacheHits)
					.description("Replays and reads of finished leases answered by the OnceOnly Redis near cache")
					.tag("result", "hit")
					.register(registry);
				FunctionCounter.builder("onceonly.store.redis.near-cache", store, RedisStore::nearCacheMisses)
					.description("Look-ups the OnceOnly Redis near cache could not answer (sent to Redis)")
					.tag("result", "miss")
					.register(registry);
			});
		}

	}

	/**
	 * The health of the Redis settings when {@code onceonly.store.redis.safety-checks} is
	 * {@code health}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnProperty(prefix = "onceonly.store.redis", name = "safety-checks", havingValue = "health")
	static class SafetyHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "onceOnlyRedisSafetyHealthIndicator")
		HealthIndicator onceOnlyRedisSafetyHealthIndicator(RedisSafetyReport report) {
			return new RedisSafetyHealthIndicator(report);
		}

	}

}
