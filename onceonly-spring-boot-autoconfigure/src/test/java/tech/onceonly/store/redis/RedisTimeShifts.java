package tech.onceonly.store.redis;

import org.jspecify.annotations.Nullable;

import tech.onceonly.store.StoreTimeShift;

/** The {@link StoreTimeShift} of the Redis stores, for tests. */
public final class RedisTimeShifts {

	private RedisTimeShifts() {
	}

	/** The shift of a Redis lease or governance store, or null for another store. */
	public static @Nullable StoreTimeShift find(Object store) {
		if (store instanceof RedisStore lease) {
			return StoreTimeShift.of(lease::getTimeOffset, lease::setTimeOffset);
		}
		if (store instanceof RedisGovernanceStore governance) {
			return StoreTimeShift.of(governance::getTimeOffset, governance::setTimeOffset);
		}
		return null;
	}

}
