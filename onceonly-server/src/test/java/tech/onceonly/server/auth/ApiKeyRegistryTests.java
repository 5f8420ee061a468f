package tech.onceonly.server.auth;

import java.util.List;

import org.junit.jupiter.api.Test;

import tech.onceonly.server.OnceOnlyServerProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keys are kept hashed and found by their hash; bad configuration fails at startup naming
 * the entry.
 */
class ApiKeyRegistryTests {

	private static OnceOnlyServerProperties.ApiKey key(String plain, String hash, String tenant, boolean enabled) {
		OnceOnlyServerProperties.ApiKey key = new OnceOnlyServerProperties.ApiKey();
		key.setKey(plain);
		key.setKeySha256(hash);
		key.setTenant(tenant);
		key.setEnabled(enabled);
		return key;
	}

	@Test
	void plainAndHashedKeysShouldBeFound() {
		ApiKeyRegistry registry = ApiKeyRegistry.of(List.of(key("k-one", null, "one", true),
				key(null, ApiKeys.sha256Hex("k-two").toUpperCase(), "two", false)));
		assertThat(registry.find("k-one").tenant()).isEqualTo("one");
		assertThat(registry.find("k-two").tenant()).isEqualTo("two");
		assertThat(registry.find("k-two").enabled()).isFalse();
		assertThat(registry.find("k-three")).isNull();
	}

	@Test
	void entriesShouldNotRevealTheKey() {
		ApiKeyRegistry registry = ApiKeyRegistry.of(List.of(key("super-secret", null, "one", true)));
		assertThat(registry.find("super-secret").toString()).doesNotContain("super-secret")
			.doesNotContain(ApiKeys.sha256Hex("super-secret"));
	}

	@Test
	void badEntriesShouldFailNamingTheEntry() {
		assertThatThrownBy(() -> ApiKeyRegistry.of(List.of(key("a", ApiKeys.sha256Hex("a"), "t", true))))
			.hasMessageContaining("api-keys[0]")
			.hasMessageContaining("exactly one");
		assertThatThrownBy(() -> ApiKeyRegistry.of(List.of(key(null, "abc", "t", true))))
			.hasMessageContaining("64 hex");
		assertThatThrownBy(() -> ApiKeyRegistry.of(List.of(key("a", null, "t:x", true))))
			.hasMessageContaining("tenant");
	}

	@Test
	void generatedKeysShouldBeRandomAndPrefixed() {
		String one = ApiKeys.generate();
		assertThat(one).startsWith("once_live_").hasSizeGreaterThan(40).isNotEqualTo(ApiKeys.generate());
		assertThat(ApiKeys.describeNewKey(one, "acme")).contains(one)
			.contains("key-sha256=" + ApiKeys.sha256Hex(one))
			.contains("tenant=acme");
	}

}
