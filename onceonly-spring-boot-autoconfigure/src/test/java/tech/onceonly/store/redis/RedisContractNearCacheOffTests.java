package tech.onceonly.store.redis;

/**
 * The backend contract, with store faults, on the Redis store with its near cache off
 * (every call goes to Redis).
 */
class RedisContractNearCacheOffTests extends RedisContractTests {

	@Override
	RedisNearCacheSettings nearCache() {
		return RedisNearCacheSettings.OFF;
	}

}
