package tech.onceonly.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A check-lock key as the store holds it.
 *
 * @param key the key
 * @param firstSeenAt when the current holder took it
 * @param expiresAt when it becomes free again
 * @param metadataJson the metadata (JSON text) given by the holder
 * @param now the store's time when this record was read
 */
public record LockRecord(String key, Instant firstSeenAt, Instant expiresAt, @Nullable String metadataJson,
		Instant now) {
}
