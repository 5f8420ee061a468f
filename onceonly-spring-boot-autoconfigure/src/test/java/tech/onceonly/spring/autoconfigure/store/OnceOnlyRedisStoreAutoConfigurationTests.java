package tech.onceonly.spring.autoconfigure.store;

import java.time.Duration;

import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.TestServices;
import tech.onceonly.store.memory.InMemoryGovernanceStore;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.redis.RedisGovernanceStore;
import tech.onceonly.store.redis.RedisNearCacheSettings;
import tech.onceonly.store.redis.RedisStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions and back-off of {@link OnceOnlyRedisStoreAutoConfiguration} (no Redis server
 * needed: nothing connects).
 */
class OnceOnlyRedisStoreAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(DataRedisAutoConfiguration.class, OnceOnlyRedisStoreAutoConfiguration.class));

	@Test
	void storeTypeRedisShouldCreateTheStoreWithTheDefaultPrefix() {
		this.runner.withPropertyValues("onceonly.store.type=redis").run((context) -> {
			assertThat(context).hasSingleBean(RedisStore.class);
			assertThat(context.getBean(RedisStore.class).leaseKey("k")).isEqualTo("onceonly:{k}:lease");
		});
	}

	@Test
	void theBackendShouldBuildTheGovernanceStoreUnderItsOwnKeys() {
		this.runner.withPropertyValues("onceonly.store.type=redis", "onceonly.store.redis.key-prefix=shop:once:")
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisGovernanceStore.class);
				assertThat(context.getBean(RedisGovernanceStore.class).keyPrefix()).isEqualTo("shop:once:gov:");
			});
	}

	@Test
	void userGovernanceStoreShouldWin() {
		this.runner.withPropertyValues("onceonly.store.type=redis")
			.withBean(GovernanceStore.class, InMemoryGovernanceStore::new)
			.run((context) -> assertThat(context).hasSingleBean(GovernanceStore.class)
				.doesNotHaveBean(RedisGovernanceStore.class));
	}

	@Test
	void keyPrefixShouldPrefixEveryKey() {
		this.runner.withPropertyValues("onceonly.store.type=redis", "onceonly.store.redis.key-prefix=shop:once:")
			.run((context) -> assertThat(context.getBean(RedisStore.class).lockKey("k"))
				.isEqualTo("shop:once:{k}:lock"));
	}

	@Test
	void theNearCacheShouldBeOnByDefaultWithItsDocumentedBounds() {
		this.runner.withPropertyValues("onceonly.store.type=redis")
			.run((context) -> assertThat(context.getBean(RedisStore.class).nearCacheSettings())
				.isEqualTo(RedisNearCacheSettings.DEFAULTS)
				.isEqualTo(new RedisNearCacheSettings(true, Duration.ofSeconds(2), 10_000, 8L * 1024 * 1024)));
	}

	@Test
	void nearCachePropertiesShouldReachTheStore() {
		this.runner
			.withPropertyValues("onceonly.store.type=redis", "onceonly.store.redis.near-cache.max-age=500ms",
					"onceonly.store.redis.near-cache.max-entries=50", "onceonly.store.redis.near-cache.max-bytes=1MB")
			.run((context) -> assertThat(context.getBean(RedisStore.class).nearCacheSettings())
				.isEqualTo(new RedisNearCacheSettings(true, Duration.ofMillis(500), 50, 1024 * 1024)));
		this.runner.withPropertyValues("onceonly.store.type=redis", "onceonly.store.redis.near-cache.enabled=false")
			.run((context) -> assertThat(context.getBean(RedisStore.class).nearCacheSettings())
				.isEqualTo(RedisNearCacheSettings.OFF));
	}

	@Test
	void nearCacheHitsAndMissesShouldBeCounters() {
		String prefix = "boot-near-" + UUID.randomUUID() + ":";
		this.runner
			.withPropertyValues("onceonly.store.type=redis", "onceonly.store.redis.safety-checks=off",
					"onceonly.store.redis.key-prefix=" + prefix, "spring.data.redis.url=" + TestServices.redisUrl())
			.run((context) -> {
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				context.getBean("onceOnlyRedisNearCacheMetrics", MeterBinder.class).bindTo(registry);
				RedisStore store = context.getBean(RedisStore.class);
				store.acquireLease("k", Duration.ofSeconds(30), "id", null);
				store.completeLease("k", "id", "{}", null, Duration.ofMinutes(1));
				// the subscription starts in the background: replay until the copy serves
				long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
				while (store.nearCacheHits() == 0 && System.nanoTime() < deadline) {
					assertThat(store.acquireLease("k", Duration.ofSeconds(30), "again", null).outcome())
						.isEqualTo(LeaseResult.Outcome.COMPLETED);
					LockSupport.parkNanos(1_000_000);
				}
				assertThat(store.nearCacheHits()).isPositive();
				assertThat(
						registry.get("onceonly.store.redis.near-cache").tag("result", "hit").functionCounter().count())
					.isEqualTo(store.nearCacheHits());
				assertThat(
						registry.get("onceonly.store.redis.near-cache").tag("result", "miss").functionCounter().count())
					.isEqualTo(store.nearCacheMisses())
					.isPositive();
				store.deleteLease("k");
			});
	}

	@Test
	void badNearCachePropertiesShouldFailAtStartupSayingWhatIsAllowed() {
		this.runner
			.withPropertyValues("onceonly.store.type=redis", "onceonly.store.redis.near-cache.max-age=5m",
					"onceonly.store.redis.near-cache.max-entries=0", "onceonly.store.redis.near-cache.max-bytes=0B")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("store.redis.nearCache.maxAge")
				.hasStackTraceContaining("must be a duration between 1ms and 1m")
				.hasStackTraceContaining("store.redis.nearCache.maxEntries")
				.hasStackTraceContaining("store.redis.nearCache.maxBytes"));
	}

	@Test
	void keyPrefixWithBracesShouldFailAtStartup() {
		this.runner.withPropertyValues("onceonly.store.type=redis", "onceonly.store.redis.key-prefix={x}")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void storeTypeUnsetShouldNotCreateARedisStore() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(OnceOnlyStore.class));
	}

	@Test
	void userStoreShouldWin() {
		this.runner.withPropertyValues("onceonly.store.type=redis")
			.withBean(OnceOnlyStore.class, InMemoryStore::new)
			.run((context) -> assertThat(context).hasSingleBean(OnceOnlyStore.class).doesNotHaveBean(RedisStore.class));
	}

	@Test
	void withoutAConnectionFactoryShouldNotCreateARedisStore() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OnceOnlyRedisStoreAutoConfiguration.class))
			.withPropertyValues("onceonly.store.type=redis")
			.run((context) -> assertThat(context).doesNotHaveBean(OnceOnlyStore.class));
	}

	@Test
	void withoutSpringDataRedisShouldNotCreateARedisStore() {
		this.runner.withPropertyValues("onceonly.store.type=redis")
			.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.run((context) -> assertThat(context).doesNotHaveBean(OnceOnlyStore.class));
	}

}
