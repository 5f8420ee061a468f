package tech.onceonly.sample.stores;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app moved to the Redis store by one property (the test Redis of
 * {@code .ci/services.sh}).
 */
@SpringBootTest(properties = "onceonly.store.type=redis")
@AutoConfigureMockMvc
class SampleOnRedisStoreTests {

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", TestServices::redisUrl);
	}

	@Autowired
	private MockMvc mvc;

	@Autowired
	private OnceOnlyStore store;

	@Test
	void reportsShouldRunOnceOnTheRedisStore() throws Exception {
		assertThat(this.store.type()).isEqualTo("redis");
		SampleStoreChecks.reportRunsOnce(this.mvc, "redis-q1-" + System.nanoTime());
	}

}
