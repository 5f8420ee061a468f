package tech.onceonly.store.redis;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The startup safety checks on the test Redis Cluster: every master and replica is read
 * and judged on its own, so one misconfigured node is found and named (the node's setting
 * is changed with {@code CONFIG SET} and restored afterwards).
 */
class RedisClusterSafetyCheckTests {

	private static LettuceConnectionFactory connectionFactory;

	private static TestRedisCluster cluster;

	@BeforeAll
	static void connect() {
		cluster = TestRedisCluster.open();
		connectionFactory = TestRedisCluster.connect();
	}

	@AfterAll
	static void disconnect() {
		if (connectionFactory != null) {
			connectionFactory.destroy();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void everyMasterAndReplicaShouldBeReadAndFoundSafe() {
		List<RedisSafetyCheck.NodeSettings> nodes = RedisSafetyCheck.readEveryNode(connectionFactory);
		assertThat(nodes).extracting(RedisSafetyCheck.NodeSettings::node)
			.containsExactlyInAnyOrderElementsOf(TestRedisCluster.addresses());
		assertThat(nodes).filteredOn(RedisSafetyCheck.NodeSettings::master).hasSize(3);
		assertThat(nodes).allSatisfy((node) -> {
			assertThat(node.settings().aofEnabled()).isTrue();
			assertThat(node.settings().maxmemoryPolicy()).isEqualTo("noeviction");
			assertThat(node.settings().version()).matches("\\d+\\.\\d+\\.\\d+");
		});
		assertThat(RedisSafetyCheck.problems(nodes, true, true)).isEmpty();
	}

	@Test
	void oneMisconfiguredMasterAndReplicaShouldEachBeNamed() throws Exception {
		TestRedisCluster.Node master = cluster.masters().get(0);
		TestRedisCluster.Node replica = cluster.replicaOf(cluster.masters().get(1));
		cluster.node(master.address()).configSet("appendonly", "no");
		cluster.node(replica.address()).configSet("maxmemory-policy", "allkeys-lru");
		try {
			List<String> problems = RedisSafetyCheck.problems(RedisSafetyCheck.readEveryNode(connectionFactory), true,
					true);
			assertThat(problems).hasSize(2);
			assertThat(problems).anySatisfy((problem) -> assertThat(problem)
				.startsWith(master.address() + " (master): Redis keeps no OnceOnly data on disk")
				.contains("appendonly yes"));
			assertThat(problems).anySatisfy((problem) -> assertThat(problem)
				.startsWith(replica.address() + " (replica): Redis maxmemory-policy is allkeys-lru")
				.contains("noeviction"));
		}
		finally {
			cluster.restoreSafeSettings(master.address());
			cluster.restoreSafeSettings(replica.address());
		}
		assertThat(RedisSafetyCheck.problems(RedisSafetyCheck.readEveryNode(connectionFactory), true, true)).isEmpty();
	}

	@Test
	void theOneServerReadShouldRefuseAClusterSayingWhatToUse() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisSafetyCheck.read(connectionFactory))
			.withMessageContaining("readEveryNode");
	}

}
