package tech.onceonly.store.redis;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import tech.onceonly.store.StoreTimeShift;

/** The {@link StoreTimeShift} of the Redis stores, for tests. */
public final class RedisTimeShifts {

	private RedisTimeShifts() {
	}

	/** The shift of a Redis lease or governance store, or null for another store. */
	public static @Nullable StoreTimeShift find(Object store) {
		if (store instanceof RedisStore redis) {
			return new StoreTimeShift() {

				@Override
				public Duration offset() {
					return redis.getTimeOffset();
				}

				@Override
				public void offset(Duration offset) {
					redis.setTimeOffset(offset);
				}

			};
		}
		if (store instanceof RedisGovernanceStore governance) {
			return new StoreTimeShift() {

				@Override
				public Duration offset() {
					return governance.getTimeOffset();
				}

				@Override
				public void offset(Duration offset) {
					governance.setTimeOffset(offset);
				}

			};
		}
		return null;
	}

}
