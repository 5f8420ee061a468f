package tech.onceonly.spring.autoconfigure.store;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import tech.onceonly.store.redis.PrivateRedis;
import tech.onceonly.store.redis.RedisStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup safety checks of the auto-configured Redis store on real redis-servers of
 * the test's own: refused by default with what to change, DOWN health when asked, and the
 * overrides.
 */
class RedisSafetyAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataRedisAutoConfiguration.class, OnceOnlyRedisStoreAutoConfiguration.class))
		.withPropertyValues("onceonly.store.type=redis", "spring.data.redis.host=127.0.0.1");

	@Test
	void redisWithoutPersistenceShouldFailTheStartupSayingWhatToChange() throws Exception {
		try (PrivateRedis redis = PrivateRedis.start("--maxmemory-policy", "noeviction")) {
			this.runner.withPropertyValues("spring.data.redis.port=" + redis.port())
				.run((context) -> assertThat(context).getFailure()
					.rootCause()
					.hasMessageContaining("The Redis of the OnceOnly store is unsafe")
					.hasMessageContaining("appendonly yes")
					.hasMessageContaining("onceonly.store.redis.require-persistence=false"));
		}
	}

	@Test
	void evictingRedisShouldFailTheStartupSayingWhatToChange() throws Exception {
		try (PrivateRedis redis = PrivateRedis.start("--appendonly", "yes", "--maxmemory-policy", "allkeys-lru")) {
			this.runner.withPropertyValues("spring.data.redis.port=" + redis.port())
				.run((context) -> assertThat(context).getFailure()
					.rootCause()
					.hasMessageContaining("maxmemory-policy is allkeys-lru")
					.hasMessageContaining("noeviction"));
		}
	}

	@Test
	void safeRedisShouldStart() throws Exception {
		try (PrivateRedis redis = PrivateRedis.start("--appendonly", "yes", "--maxmemory-policy", "noeviction")) {
			this.runner.withPropertyValues("spring.data.redis.port=" + redis.port()).run((context) -> {
				assertThat(context).hasSingleBean(RedisStore.class);
				assertThat(context.getBean(RedisSafetyReport.class).problems()).isEmpty();
			});
		}
	}

	@Test
	void overridesShouldLetAnUnsafeRedisStart() throws Exception {
		try (PrivateRedis redis = PrivateRedis.start("--maxmemory-policy", "volatile-lru")) {
			this.runner.withPropertyValues("spring.data.redis.port=" + redis.port(),
					"onceonly.store.redis.require-persistence=false", "onceonly.store.redis.require-noeviction=false")
				.run((context) -> assertThat(context).hasSingleBean(RedisStore.class));
		}
	}

	@Test
	void healthModeShouldStartAndReportDownWithTheReason() throws Exception {
		try (PrivateRedis redis = PrivateRedis.start("--maxmemory-policy", "noeviction")) {
			this.runner
				.withPropertyValues("spring.data.redis.port=" + redis.port(),
						"onceonly.store.redis.safety-checks=health")
				.run((context) -> {
					assertThat(context).hasSingleBean(RedisStore.class);
					Health health = context.getBean("onceOnlyRedisSafetyHealthIndicator", HealthIndicator.class)
						.health();
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails().get("problems").toString()).contains("appendonly yes");
				});
		}
	}

	@Test
	void unreachableRedisShouldNotBlockTheStartup() {
		this.runner.withPropertyValues("spring.data.redis.port=1").run((context) -> {
			assertThat(context).hasSingleBean(RedisStore.class);
			assertThat(context.getBean(RedisSafetyReport.class).unchecked()).contains("could not be reached");
		});
	}

	@Test
	void checksOffShouldNotConnect() {
		this.runner.withPropertyValues("spring.data.redis.port=1", "onceonly.store.redis.safety-checks=off")
			.run((context) -> assertThat(context.getBean(RedisSafetyReport.class).unchecked())
				.isEqualTo("onceonly.store.redis.safety-checks=off"));
	}

}
