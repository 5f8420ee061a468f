package tech.onceonly.store.redis;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import tech.onceonly.store.GovernanceTestClock;

/**
 * Connections to the test Redis and governance stores on a fresh key prefix whose clock
 * follows a test clock.
 */
public final class RedisGovernanceTestSupport {

	private RedisGovernanceTestSupport() {
	}

	/**
	 * A started connection factory on {@code ONCEONLY_TEST_REDIS_URL}; skips or fails as
	 * TestServices says.
	 */
	public static LettuceConnectionFactory connect() {
		return RedisTestConnections.create();
	}

	/**
	 * A store on a key prefix of its own, its clock shifted to {@code clock} and kept
	 * there as the clock moves.
	 */
	public static RedisGovernanceStore store(LettuceConnectionFactory factory, GovernanceTestClock clock) {
		String prefix = "onceonly-test:gov:" + UUID.randomUUID() + ":";
		RedisGovernanceStore store = new RedisGovernanceStore(new StringRedisTemplate(factory), prefix,
				Duration.ofDays(7), 10_000, 100_000);
		Runnable follow = () -> {
			store.setTimeOffset(Duration.ZERO);
			store.setTimeOffset(Duration.between(store.now(), clock.instant()));
		};
		follow.run();
		clock.onChange(follow);
		return store;
	}

	/**
	 * Another store instance on the keys of {@code store}, on the same clock shift
	 * (another JVM's view).
	 */
	public static RedisGovernanceStore sameData(LettuceConnectionFactory factory, RedisGovernanceStore store) {
		RedisGovernanceStore other = new RedisGovernanceStore(new StringRedisTemplate(factory), store.keyPrefix(),
				Duration.ofDays(7), 10_000, 100_000);
		other.setTimeOffset(store.getTimeOffset());
		return other;
	}

	/** Deletes every key of the test stores. */
	public static void clean(LettuceConnectionFactory factory) {
		StringRedisTemplate redis = new StringRedisTemplate(factory);
		Set<String> keys = redis.keys("onceonly-test:gov:*");
		if (keys != null && !keys.isEmpty()) {
			redis.delete(keys);
		}
	}

}
