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
 * against the server on PostgreSQL (its {@code postgres} profile,
 * {@code ONCEONLY_TEST_POSTGRES_URL} from {@code .ci/services.sh}). Time moves with the
 * store's time offset. Fails when {@code CI=true} and the database is not configured.
 */
// the scheduled purge needs the JdbcStore itself; here the store bean is the fault
// wrapper
@SpringBootTest(classes = { OnceOnlyServerApplication.class, ServerTestConfiguration.StoreFaults.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "onceonly.store.jdbc.purge.enabled=false")
@ActiveProfiles({ "test", "postgres" })
class PostgresServerContractTests extends AbstractFaultContractTests {

	@LocalServerPort
	int port;

	@Autowired
	FaultyStore faults;

	@BeforeAll
	static void requirePostgres() {
		TestServices.postgresUrl();
	}

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", TestServices::postgresUrl);
		registry.add("spring.datasource.username", () -> "postgres");
	}

	@Autowired
	TenantEngines engines;

	@Test
	void tenantsShouldNotShareTheGovernanceStoresData() {
		SharedGovernanceStoreChecks.tenantsShouldNotShareGovernanceData(this.port, this.engines, "jdbc");
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
