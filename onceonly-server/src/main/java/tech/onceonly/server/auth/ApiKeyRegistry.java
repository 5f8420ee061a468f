package tech.onceonly.server.auth;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import tech.onceonly.server.OnceOnlyServerProperties;

/**
 * The API keys the server accepts, kept only as SHA-256 hashes. A presented key is hashed
 * and compared with every entry in constant time ({@link MessageDigest#isEqual}); neither
 * the key nor its hash is ever logged.
 */
public final class ApiKeyRegistry {

	private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

	private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

	private final List<Entry> entries;

	private ApiKeyRegistry(List<Entry> entries) {
		this.entries = List.copyOf(entries);
	}

	/**
	 * The registry of the configured keys.
	 * @throws IllegalStateException naming the key's index when an entry is invalid
	 */
	public static ApiKeyRegistry of(List<OnceOnlyServerProperties.ApiKey> keys) {
		List<Entry> entries = new ArrayList<>();
		for (int i = 0; i < keys.size(); i++) {
			OnceOnlyServerProperties.ApiKey key = keys.get(i);
			String where = "onceonly.server.api-keys[" + i + "]";
			boolean plain = key.getKey() != null && !key.getKey().isBlank();
			boolean hashed = key.getKeySha256() != null && !key.getKeySha256().isBlank();
			if (plain == hashed) {
				throw new IllegalStateException(where + ": set exactly one of 'key' and 'key-sha256'");
			}
			byte[] hash;
			if (plain) {
				hash = ApiKeys.sha256(key.getKey());
			}
			else {
				if (!SHA256_HEX.matcher(key.getKeySha256()).matches()) {
					throw new IllegalStateException(where + ".key-sha256 must be 64 hex digits (a SHA-256)");
				}
				hash = HexFormat.of().parseHex(key.getKeySha256().toLowerCase(Locale.ROOT));
			}
			if (!TENANT.matcher(key.getTenant()).matches()) {
				throw new IllegalStateException(where + ".tenant must be 1-64 letters, digits, '_', '-' or '.'");
			}
			entries.add(new Entry(hash, key.getTenant(), key.getPlan(), key.isEnabled()));
		}
		return new ApiKeyRegistry(entries);
	}

	/** Whether no key is configured. */
	public boolean isEmpty() {
		return this.entries.isEmpty();
	}

	/** This registry with one more enabled key. */
	public ApiKeyRegistry with(String key, String tenant, String plan) {
		List<Entry> more = new ArrayList<>(this.entries);
		more.add(new Entry(ApiKeys.sha256(key), tenant, plan, true));
		return new ApiKeyRegistry(more);
	}

	/**
	 * The entry of the presented key, or {@code null} when no configured key matches.
	 * Every entry is compared, whether or not an earlier one matched.
	 */
	public @Nullable Entry find(String presentedKey) {
		byte[] hash = ApiKeys.sha256(presentedKey);
		Entry match = null;
		for (Entry entry : this.entries) {
			if (MessageDigest.isEqual(entry.hash, hash) && match == null) {
				match = entry;
			}
		}
		return match;
	}

	/** A configured key. */
	public static final class Entry {

		private final byte[] hash;

		private final String tenant;

		private final String plan;

		private final boolean enabled;

		private final String id;

		Entry(byte[] hash, String tenant, String plan, boolean enabled) {
			this.hash = hash.clone();
			this.tenant = tenant;
			this.plan = plan;
			this.enabled = enabled;
			this.id = HexFormat.of().formatHex(hash, 0, 6);
		}

		/** The key's tenant. */
		public String tenant() {
			return this.tenant;
		}

		/** The key's plan. */
		public String plan() {
			return this.plan;
		}

		/** Whether the key is accepted. */
		public boolean enabled() {
			return this.enabled;
		}

		/** A short id: the first 12 hex digits of the key's hash. */
		public String id() {
			return this.id;
		}

		@Override
		public String toString() {
			return "ApiKey[id=" + this.id + ", tenant=" + this.tenant + ", plan=" + this.plan + "]";
		}

	}

}
