package tech.onceonly.store.redis;

/**
 * The backend contract, with store faults, on the Redis Cluster with the store's near
 * cache off.
 */
class RedisClusterContractNearCacheOffTests extends RedisClusterContractTests {

	@Override
	RedisNearCacheSettings nearCache() {
		return RedisNearCacheSettings.OFF;
	}

}
