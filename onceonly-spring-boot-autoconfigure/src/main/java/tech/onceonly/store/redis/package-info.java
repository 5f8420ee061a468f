/**
 * The Redis store: locks and leases in Redis hashes, decided by Lua scripts against the Redis clock.
 */
@NullMarked
package tech.onceonly.store.redis;

import org.jspecify.annotations.NullMarked;
