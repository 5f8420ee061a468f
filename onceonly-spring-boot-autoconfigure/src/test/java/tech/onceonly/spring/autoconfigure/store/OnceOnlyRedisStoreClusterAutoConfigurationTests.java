package tech.onceonly.spring.autoconfigure.store;

import java.time.Duration;
import java.util.UUID;

import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.redis.RedisGovernanceStore;
import tech.onceonly.store.redis.RedisStore;
import tech.onceonly.store.redis.TestRedisCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code onceonly.store.type=redis} on the test Redis Cluster, configured the Spring Boot
 * way ({@code spring.data.redis.cluster.nodes}): the stores work across the masters, the
 * startup checks read every node and name a misconfigured one, and a Lettuce client that
 * never refreshes its topology is warned about.
 */
@ExtendWith(OutputCaptureExtension.class)
class OnceOnlyRedisStoreClusterAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataRedisAutoConfiguration.class, OnceOnlyRedisStoreAutoConfiguration.class))
		.withPropertyValues("onceonly.store.type=redis", "onceonly.store.redis.key-prefix=onceonly-cluster-boot:",
				"spring.data.redis.timeout=2s");

	private static String nodes() {
		return "spring.data.redis.cluster.nodes=" + String.join(",", TestRedisCluster.addresses());
	}

	@Test
	void clusterNodesPropertyShouldGiveStoresOnTheCluster(CapturedOutput output) {
		this.runner.withPropertyValues(nodes()).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(RedisConnectionFactory.class)).isInstanceOfSatisfying(
					LettuceConnectionFactory.class, (factory) -> assertThat(factory.isClusterAware()).isTrue());
			RedisSafetyReport report = context.getBean(RedisSafetyReport.class);
			assertThat(report.problems()).isEmpty();
			assertThat(report.unchecked()).isNull();
			RedisStore store = context.getBean(RedisStore.class);
			for (int i = 0; i < 12; i++) {
				String key = "boot-" + UUID.randomUUID();
				String leaseId = UUID.randomUUID().toString();
				assertThat(store.acquireLease(key, Duration.ofMinutes(1), leaseId, null).outcome())
					.isEqualTo(LeaseResult.Outcome.ACQUIRED);
				assertThat(store.completeLease(key, leaseId, "{\"n\":" + i + "}", null, Duration.ofMinutes(5)))
					.isNotNull();
				assertThat(store.acquireLease(key, Duration.ofMinutes(1), UUID.randomUUID().toString(), null)
					.record()
					.resultJson()).isEqualTo("{\"n\":" + i + "}");
				assertThat(store.deleteLease(key)).isTrue();
			}
			assertThat(context.getBean(RedisGovernanceStore.class).now()).isNotNull();
		});
		assertThat(output).doesNotContain("never refreshes its topology");
	}

	@Test
	void misconfiguredReplicaShouldFailTheStartupNamingTheNode() throws Exception {
		try (TestRedisCluster cluster = TestRedisCluster.open()) {
			TestRedisCluster.Node replica = cluster.replicaOf(cluster.masters().get(2));
			cluster.node(replica.address()).configSet("maxmemory-policy", "volatile-lru");
			try {
				this.runner.withPropertyValues(nodes())
					.run((context) -> assertThat(context).getFailure()
						.rootCause()
						.hasMessageContaining("The Redis of the OnceOnly store is unsafe (Redis Cluster of 6 nodes")
						.hasMessageContaining(
								replica.address() + " (replica): Redis maxmemory-policy is volatile-lru"));
			}
			finally {
				cluster.restoreSafeSettings(replica.address());
			}
		}
	}

	@Test
	void clientThatNeverRefreshesItsTopologyShouldBeWarnedAbout(CapturedOutput output) {
		ClusterTopologyRefreshOptions never = ClusterTopologyRefreshOptions.builder()
			.disableAllAdaptiveRefreshTriggers()
			.enablePeriodicRefresh(false)
			.build();
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.clientOptions(ClusterClientOptions.builder().topologyRefreshOptions(never).build())
			.build();
		this.runner
			.withBean(RedisConnectionFactory.class,
					() -> new LettuceConnectionFactory(new RedisClusterConfiguration(TestRedisCluster.addresses()),
							client))
			.run((context) -> assertThat(context).hasSingleBean(RedisStore.class));
		assertThat(output).contains("never refreshes its topology", "spring.data.redis.lettuce.cluster.refresh.period");
	}

}
