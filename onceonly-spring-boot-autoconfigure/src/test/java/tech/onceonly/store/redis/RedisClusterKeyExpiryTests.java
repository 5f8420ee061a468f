package tech.onceonly.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisKeyExpiryTests} on the test Redis Cluster: after every store and governance
 * operation has run, a scan of each master's keyspace (a cluster has no keyspace-wide
 * scan) finds no key without a Redis expiry except the documented governance state.
 */
class RedisClusterKeyExpiryTests {

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void connect() {
		connectionFactory = TestRedisCluster.connect();
	}

	@AfterAll
	static void disconnect() {
		if (connectionFactory != null) {
			connectionFactory.destroy();
		}
	}

	@Test
	void noKeyOnAnyMasterShouldBeLeftWithoutExpiryExceptDocumentedGovernanceState() {
		String prefix = "onceonly-cluster-expiry-" + UUID.randomUUID() + ":";
		RedisKeyExpiryTests.writeEveryKindOfKey(connectionFactory, prefix);
		Map<String, List<String>> keysPerMaster = new LinkedHashMap<>();
		try (RedisClusterConnection connection = connectionFactory.getClusterConnection()) {
			for (RedisClusterNode node : connection.clusterGetNodes()) {
				if (!node.isMaster()) {
					continue;
				}
				List<String> keys = new ArrayList<>();
				try (Cursor<byte[]> cursor = connection.scan(node,
						ScanOptions.scanOptions().match(prefix + "*").count(1000).build())) {
					cursor.forEachRemaining((key) -> keys.add(new String(key, StandardCharsets.UTF_8)));
				}
				keysPerMaster.put(node.getHost() + ":" + node.getPort(), keys);
			}
		}
		List<String> keys = keysPerMaster.values().stream().flatMap(List::stream).toList();
		StringRedisTemplate redis = new StringRedisTemplate(connectionFactory);
		try {
			assertThat(keysPerMaster).as("the masters").hasSize(3);
			assertThat(keysPerMaster.values().stream().filter((found) -> !found.isEmpty()))
				.as("masters holding keys of the run: %s", keysPerMaster)
				.hasSizeGreaterThan(1);
			RedisKeyExpiryTests.assertOnlyDocumentedKeysWithoutExpiry(redis, prefix, keys);
		}
		finally {
			keys.forEach(redis::delete);
		}
	}

}
