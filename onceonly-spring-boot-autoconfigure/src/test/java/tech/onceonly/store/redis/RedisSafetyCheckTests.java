package tech.onceonly.store.redis;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup safety checks on real redis-servers of the test's own, each started with
 * the setting under test.
 */
class RedisSafetyCheckTests {

	private static RedisSafetyCheck.Settings settingsOf(String... options) throws Exception {
		try (PrivateRedis redis = PrivateRedis.start(options)) {
			LettuceConnectionFactory factory = redis.connect();
			try {
				return RedisSafetyCheck.read(factory);
			}
			finally {
				factory.destroy();
			}
		}
	}

	@Test
	void redisWithoutPersistenceShouldBeRefusedSayingWhatToChange() throws Exception {
		RedisSafetyCheck.Settings settings = settingsOf("--maxmemory-policy", "noeviction");
		assertThat(settings.persistent()).isFalse();
		assertThat(RedisSafetyCheck.problems(settings, true, true)).singleElement()
			.asString()
			.contains("appendonly is no and there are no RDB save points", "appendonly yes",
					"onceonly.store.redis.require-persistence=false");
	}

	@Test
	void redisWithoutPersistenceShouldPassWhenPersistenceIsNotRequired() throws Exception {
		assertThat(RedisSafetyCheck.problems(settingsOf("--maxmemory-policy", "noeviction"), false, true)).isEmpty();
	}

	@Test
	void aofShouldCountAsPersistence() throws Exception {
		RedisSafetyCheck.Settings settings = settingsOf("--appendonly", "yes", "--maxmemory-policy", "noeviction");
		assertThat(settings.aofEnabled()).isTrue();
		assertThat(RedisSafetyCheck.problems(settings, true, true)).isEmpty();
	}

	@Test
	void rdbSavePointsShouldCountAsPersistence() throws Exception {
		RedisSafetyCheck.Settings settings = settingsOf("--save", "60 1000", "--maxmemory-policy", "noeviction");
		assertThat(settings.aofEnabled()).isFalse();
		assertThat(RedisSafetyCheck.problems(settings, true, true)).isEmpty();
	}

	@Test
	void evictingPoliciesShouldBeRefusedSayingWhatToChange() throws Exception {
		for (String policy : List.of("allkeys-lru", "volatile-lru", "volatile-ttl", "allkeys-random")) {
			RedisSafetyCheck.Settings settings = settingsOf("--appendonly", "yes", "--maxmemory-policy", policy);
			assertThat(RedisSafetyCheck.problems(settings, true, true)).singleElement()
				.asString()
				.contains("maxmemory-policy is " + policy, "noeviction",
						"onceonly.store.redis.require-noeviction=false");
			assertThat(RedisSafetyCheck.problems(settings, true, false)).isEmpty();
		}
	}

	@Test
	void redisOlderThanTheScriptsNeedShouldBeRefused() {
		RedisSafetyCheck.Settings old = new RedisSafetyCheck.Settings("5.0.14", true, "", "noeviction");
		assertThat(RedisSafetyCheck.problems(old, true, true)).singleElement()
			.asString()
			.contains("Redis 5.0.14 is older than 6.0.0", "KEEPTTL");
		for (String version : List.of("6.0.0", "6.2.14", "7.0.15", "10.0.1")) {
			assertThat(RedisSafetyCheck.problems(new RedisSafetyCheck.Settings(version, true, "", "noeviction"), true,
					true))
				.as(version)
				.isEmpty();
		}
	}

	@Test
	void versionOfARealServerShouldBeRead() throws Exception {
		assertThat(settingsOf().version()).matches("\\d+\\.\\d+\\.\\d+");
	}

}
