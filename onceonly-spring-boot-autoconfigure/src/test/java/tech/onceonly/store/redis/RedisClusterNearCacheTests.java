package tech.onceonly.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import tech.onceonly.store.LeaseResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The near cache on the test Redis Cluster ({@code ONCEONLY_TEST_REDIS_CLUSTER_NODES}),
 * two "instances" on connection factories of their own: finished leases on every master
 * are served from the process, and a delete on one instance reaches the other's
 * subscription (PUBLISH is cluster-wide) and evicts them all.
 */
class RedisClusterNearCacheTests {

	private static final Duration TTL = Duration.ofSeconds(30);

	private static LettuceConnectionFactory first;

	private static LettuceConnectionFactory second;

	@BeforeAll
	static void connect() {
		first = TestRedisCluster.connect();
		second = TestRedisCluster.connect();
	}

	@AfterAll
	static void disconnect() {
		if (first != null) {
			first.destroy();
		}
		if (second != null) {
			second.destroy();
		}
	}

	@Test
	void aDeleteOnOneInstanceShouldEvictTheCopiesOfAnotherOnEveryMaster() {
		String prefix = "onceonly-cluster-near-" + UUID.randomUUID() + ":";
		try (RedisStore app = new RedisStore(first, prefix, RedisNearCacheSettings.DEFAULTS);
				RedisStore operator = new RedisStore(second, prefix, RedisNearCacheSettings.DEFAULTS)) {
			RedisNearCaches.awaitLive(app);
			RedisNearCaches.awaitLive(operator);
			List<String> keys = new ArrayList<>();
			Set<Integer> thirds = new HashSet<>();
			for (int i = 0; i < 12; i++) {
				String key = "k" + i;
				keys.add(key);
				thirds.add(TestRedisCluster.slot(app.leaseKey(key)) * 3 / 16384);
				String id = UUID.randomUUID().toString();
				assertThat(app.acquireLease(key, TTL, id, null).outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
				assertThat(app.completeLease(key, id, "{\"i\":" + i + "}", null, Duration.ofMinutes(5))).isNotNull();
			}
			assertThat(thirds).as("keys on each master").hasSize(3);
			long hits = app.nearCacheHits();
			for (String key : keys) {
				assertThat(app.acquireLease(key, TTL, "again", null).outcome())
					.isEqualTo(LeaseResult.Outcome.COMPLETED);
			}
			assertThat(app.nearCacheHits() - hits).isEqualTo(keys.size());
			assertThat(app.nearCache().size()).isEqualTo(keys.size());
			for (String key : keys) {
				assertThat(operator.deleteLease(key)).isTrue();
			}
			RedisNearCaches.await("the deletes to reach the other instance", () -> app.nearCache().size() == 0);
			for (String key : keys) {
				assertThat(app.acquireLease(key, TTL, "new", null).outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
			}
		}
	}

}
