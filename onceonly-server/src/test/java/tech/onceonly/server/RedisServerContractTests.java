package tech.onceonly.server;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.contract.AbstractFaultContractTests;
import tech.onceonly.store.FaultyStore;
import tech.onceonly.store.StoreTimeShift;
import tech.onceonly.store.TestServices;

/**
 * The backend contract, with faults of the server's store, through the remote client
 * against the server on Redis (its {@code redis} profile, {@code ONCEONLY_TEST_REDIS_URL}
 * from {@code .ci/services.sh}). Time moves with the store's time offset. Fails when
 * {@code CI=true} and Redis is not configured.
 */
@SpringBootTest(classes = { OnceOnlyServerApplication.class, ServerTestConfiguration.StoreFaults.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({ "test", "redis" })
class RedisServerContractTests extends AbstractFaultContractTests {

	@LocalServerPort
	int port;

	@Autowired
	FaultyStore faults;

	@BeforeAll
	static void requireRedis() {
		TestServices.redisUrl();
	}

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", TestServices::redisUrl);
	}

	@Autowired
	TenantEngines engines;

	@Test
	void tenantsShouldNotShareTheGovernanceStoresData() {
		SharedGovernanceStoreChecks.tenantsShouldNotShareGovernanceData(this.port, this.engines, "redis");
	}

	@Override
	protected OnceOnly createClient() {
		return RemoteToServerContractTests.remoteClient(this.port, this.leaseEvents);
	}

	@Override
	protected FaultyStore faults() {
		return this.faults;
	}

	@Override
	protected void advanceTime(Duration duration) {
		StoreTimeShift.of(this.faults.delegate()).advance(duration);
	}

}
