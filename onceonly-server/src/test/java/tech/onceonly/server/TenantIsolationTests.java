package tech.onceonly.server;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One tenant never sees or changes another tenant's data, although they share one store.
 */
@ServerTest
class TenantIsolationTests {

	@LocalServerPort
	int port;

	private ApiClient a;

	private ApiClient b;

	private String key;

	@BeforeEach
	void setUp() {
		this.a = new ApiClient(this.port, "test-key-tenant-a");
		this.b = new ApiClient(this.port, "test-key-tenant-b");
		this.key = "iso:" + UUID.randomUUID();
	}

	@Test
	void sameCheckLockKeyShouldBeLockedOncePerTenant() {
		assertThat(this.a.post("/v1/check-lock", Map.of("key", this.key)).json()).containsEntry("status", "locked");
		assertThat(this.b.post("/v1/check-lock", Map.of("key", this.key)).json()).containsEntry("status", "locked");
		assertThat(this.a.post("/v1/check-lock", Map.of("key", this.key)).json()).containsEntry("status", "duplicate");
		assertThat(this.b.post("/v1/check-lock", Map.of("key", this.key)).json()).containsEntry("status", "duplicate");
	}

	@Test
	void anotherTenantShouldNotSeeALeaseOrItsResult() {
		String leaseId = (String) this.a.post("/v1/ai/lease", Map.of("key", this.key)).json().get("lease_id");
		assertThat(this.b.get("/v1/ai/status?key=" + this.key).json()).containsEntry("lease_state", "not_found");
		this.a.post("/v1/ai/complete", Map.of("key", this.key, "lease_id", leaseId, "result", Map.of("secret", 1)));
		assertThat(this.b.get("/v1/ai/result?key=" + this.key).json()).containsEntry("lease_state", "not_found")
			.containsEntry("result", null);
		assertThat(this.a.get("/v1/ai/result?key=" + this.key).json()).containsEntry("result", Map.of("secret", 1));
	}

	@Test
	void anotherTenantShouldNotChangeALeaseEvenWithItsLeaseId() {
		String leaseId = (String) this.a.post("/v1/ai/lease", Map.of("key", this.key)).json().get("lease_id");
		assertThat(this.b.post("/v1/ai/complete", Map.of("key", this.key, "lease_id", leaseId)).status())
			.isEqualTo(409);
		assertThat(this.b.post("/v1/ai/cancel", Map.of("key", this.key, "lease_id", leaseId)).status()).isEqualTo(409);
		assertThat(this.a.get("/v1/ai/status?key=" + this.key).json()).containsEntry("status", "in_progress");
		assertThat(this.b.post("/v1/ai/lease", Map.of("key", this.key)).json()).containsEntry("status", "acquired");
	}

	@Test
	void meAndUsageShouldBeTheCallersTenant() {
		assertThat(this.a.get("/v1/me").json()).containsEntry("tenant", "tenant-a");
		assertThat(this.b.get("/v1/me").json()).containsEntry("tenant", "tenant-b");
		long before = ((Number) this.b.get("/v1/usage?kind=make").json().get("requests_total_month")).longValue();
		this.a.post("/v1/check-lock", Map.of("key", this.key));
		long after = ((Number) this.b.get("/v1/usage?kind=make").json().get("requests_total_month")).longValue();
		assertThat(after).isEqualTo(before);
	}

	@Test
	void namespacesShouldNotOverlap() {
		assertThat(TenantEngines.namespace("a")).isEqualTo("t:a:");
		assertThat(TenantEngines.namespace("a")).isNotEqualTo(TenantEngines.namespace("a.b"));
	}

}
