package tech.onceonly.store.redis;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.ServiceControl;
import tech.onceonly.store.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Redis shut down in the middle of a test: calls fail with a clear
 * {@link StoreException}, and the store works again once Redis is back. The test Redis
 * runs with AOF persistence, as production needs (docs/stores.md): the lease taken before
 * the restart is still held after it, so no second run can take it.
 */
class RedisOutageTests {

	@Test
	void outageShouldFailClearlyAndTheStoreShouldRecover() throws Exception {
		LettuceConnectionFactory factory = RedisTestConnections.create();
		try {
			assertThat(RedisSafetyCheck.read(factory).aofEnabled()).as("the test Redis runs with AOF (.ci/services.sh)")
				.isTrue();
			RedisStore store = new RedisStore(factory);
			String key = "outage:" + UUID.randomUUID();
			String leaseId = UUID.randomUUID().toString();
			store.acquireLease(key, Duration.ofMinutes(1), leaseId, null);
			ServiceControl.run("redis-cli -h 127.0.0.1 -p \"$ONCEONLY_REDIS_PORT\" shutdown nosave || true");
			try {
				assertThatExceptionOfType(StoreException.class)
					.isThrownBy(() -> store.completeLease(key, leaseId, "{}", null, Duration.ofDays(7)))
					.withMessageStartingWith(
							"The OnceOnly Redis store could not complete the lease (key prefix 'onceonly:')");
			}
			finally {
				ServiceControl.run("onceonly_redis_start");
			}
			LeaseResult after = afterReconnect(store, key);
			assertThat(after.outcome()).as("a Redis with AOF keeps the lease across the restart")
				.isEqualTo(LeaseResult.Outcome.HELD_BY_OTHER);
			assertThat(after.record().leaseId()).isEqualTo(leaseId);
		}
		finally {
			factory.destroy();
		}
	}

	/** Lettuce reconnects in the background; until it has, calls are rejected at once. */
	private static LeaseResult afterReconnect(RedisStore store, String key) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (true) {
			try {
				return store.acquireLease(key, Duration.ofMinutes(1), UUID.randomUUID().toString(), null);
			}
			catch (StoreException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(100);
			}
		}
	}

}
