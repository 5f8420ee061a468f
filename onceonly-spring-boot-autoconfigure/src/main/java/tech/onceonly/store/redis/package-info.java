/**
 * The Redis stores: locks, leases and governance state in Redis, decided by Lua scripts
 * against the Redis clock.
 */
@NullMarked
package tech.onceonly.store.redis;

import org.jspecify.annotations.NullMarked;
