package tech.onceonly.engine;

import java.time.Duration;

/**
 * The local engine's limits and defaults.
 *
 * @param defaultLockTtl the check-lock ttl when the caller gives none
 * @param defaultLeaseTtl the lease ttl when the caller gives none
 * @param maxTtl the longest ttl accepted for locks and leases
 * @param retention how long completed and failed results are kept
 * @param maxMetadataBytes the largest metadata object accepted, in UTF-8 bytes of its
 * JSON
 * @param namespace a prefix isolating this engine's keys from other tenants sharing the
 * store ("" for none)
 */
public record EngineSettings(Duration defaultLockTtl, Duration defaultLeaseTtl, Duration maxTtl, Duration retention,
		int maxMetadataBytes, String namespace) {

	public EngineSettings {
		requirePositive("defaultLockTtl", defaultLockTtl);
		requirePositive("defaultLeaseTtl", defaultLeaseTtl);
		requirePositive("maxTtl", maxTtl);
		requirePositive("retention", retention);
		if (maxMetadataBytes < 2) {
			throw new IllegalArgumentException("maxMetadataBytes must be at least 2, was " + maxMetadataBytes);
		}
	}

	/**
	 * One hour locks, five minute leases, at most 30 days, results kept 7 days, metadata
	 * up to 2048 bytes.
	 */
	public static EngineSettings defaults() {
		return new EngineSettings(Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofDays(30), Duration.ofDays(7),
				2048, "");
	}

	/** These settings with another namespace. */
	public EngineSettings withNamespace(String value) {
		return new EngineSettings(this.defaultLockTtl, this.defaultLeaseTtl, this.maxTtl, this.retention,
				this.maxMetadataBytes, value);
	}

	/** These settings with another retention. */
	public EngineSettings withRetention(Duration value) {
		return new EngineSettings(this.defaultLockTtl, this.defaultLeaseTtl, this.maxTtl, value, this.maxMetadataBytes,
				this.namespace);
	}

	/** These settings with other ttl defaults and bound. */
	public EngineSettings withTtls(Duration lock, Duration lease, Duration max) {
		return new EngineSettings(lock, lease, max, this.retention, this.maxMetadataBytes, this.namespace);
	}

	private static void requirePositive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be a positive duration, was " + value);
		}
	}

}
