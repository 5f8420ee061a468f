package tech.onceonly.spring.autoconfigure.store;

import java.util.List;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ClassUtils;

import tech.onceonly.spring.autoconfigure.OnceOnlyProperties.Store.Redis;
import tech.onceonly.spring.autoconfigure.OnceOnlyProperties.Store.Redis.SafetyChecks;
import tech.onceonly.store.redis.RedisSafetyCheck;

/**
 * What the startup safety checks found on the application's Redis
 * ({@code onceonly.store.redis.safety-checks}): nothing unsafe, the problems (each saying
 * what to change), or that the server could not be reached at startup (then nothing is
 * refused: availability is the health indicator's matter). On a Redis Cluster every
 * master and replica is checked, and each problem names its node.
 */
public final class RedisSafetyReport {

	private static final Log logger = LogFactory.getLog(RedisSafetyReport.class);

	private static final boolean LETTUCE_PRESENT = ClassUtils.isPresent("io.lettuce.core.cluster.ClusterClientOptions",
			RedisSafetyReport.class.getClassLoader())
			&& ClassUtils.isPresent("org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory",
					RedisSafetyReport.class.getClassLoader());

	private final List<String> problems;

	private final @Nullable String unchecked;

	private RedisSafetyReport(List<String> problems, @Nullable String unchecked) {
		this.problems = List.copyOf(problems);
		this.unchecked = unchecked;
	}

	/**
	 * Checks the server behind {@code connectionFactory} as {@code properties} say.
	 * @throws IllegalStateException with every problem when the mode is {@code fail}
	 */
	static RedisSafetyReport check(RedisConnectionFactory connectionFactory, Redis properties) {
		if (properties.getSafetyChecks() == SafetyChecks.OFF) {
			return new RedisSafetyReport(List.of(), "onceonly.store.redis.safety-checks=off");
		}
		String topology = topologyRefreshWarning(connectionFactory);
		if (topology != null) {
			logger.warn(topology);
		}
		List<RedisSafetyCheck.NodeSettings> nodes;
		try {
			nodes = RedisSafetyCheck.readEveryNode(connectionFactory);
		}
		catch (DataAccessException ex) {
			String reason = "Redis could not be reached at startup (" + ex.getMostSpecificCause().getMessage() + ")";
			logger.warn("OnceOnly could not check the Redis settings: " + reason);
			return new RedisSafetyReport(List.of(), reason);
		}
		List<String> problems = RedisSafetyCheck.problems(nodes, properties.isRequirePersistence(),
				properties.isRequireNoeviction());
		if (!problems.isEmpty()) {
			String message = "The Redis of the OnceOnly store is unsafe (" + describe(nodes) + "):\n - "
					+ String.join("\n - ", problems)
					+ "\n(onceonly.store.redis.safety-checks=health starts anyway and reports DOWN health instead)";
			if (properties.getSafetyChecks() == SafetyChecks.FAIL) {
				throw new IllegalStateException(message);
			}
			logger.error(message);
		}
		return new RedisSafetyReport(problems, null);
	}

	/**
	 * A warning when {@code connectionFactory} is a Lettuce Redis Cluster one that never
	 * refreshes its view of the cluster (no adaptive trigger, no periodic refresh): MOVED
	 * redirects are still followed one command at a time, but after a master dies the
	 * commands for its slots keep failing until the application restarts. {@code null}
	 * otherwise.
	 */
	static @Nullable String topologyRefreshWarning(RedisConnectionFactory connectionFactory) {
		return LETTUCE_PRESENT ? LettuceTopology.warning(connectionFactory) : null;
	}

	private static String describe(List<RedisSafetyCheck.NodeSettings> nodes) {
		if (nodes.size() == 1 && nodes.get(0).node() == null) {
			return nodes.get(0).settings().toString();
		}
		StringBuilder text = new StringBuilder("Redis Cluster of " + nodes.size() + " nodes");
		for (RedisSafetyCheck.NodeSettings node : nodes) {
			text.append("; ").append(node.describe()).append(": ").append(node.settings());
		}
		return text.toString();
	}

	/** Each unsafe setting found, saying what to change; empty when none. */
	public List<String> problems() {
		return this.problems;
	}

	/** Why nothing was checked, or {@code null} when the settings were checked. */
	public @Nullable String unchecked() {
		return this.unchecked;
	}

	/** Reads Lettuce's cluster options; loaded only when Lettuce is present. */
	private static final class LettuceTopology {

		static @Nullable String warning(RedisConnectionFactory connectionFactory) {
			if (!(connectionFactory instanceof LettuceConnectionFactory lettuce) || !lettuce.isClusterAware()) {
				return null;
			}
			ClientOptions options = lettuce.getClientConfiguration().getClientOptions().orElse(null);
			ClusterTopologyRefreshOptions refresh = (options instanceof ClusterClientOptions cluster)
					? cluster.getTopologyRefreshOptions() : ClusterClientOptions.create().getTopologyRefreshOptions();
			if (!refresh.getAdaptiveRefreshTriggers().isEmpty() || refresh.isPeriodicRefreshEnabled()) {
				return null;
			}
			return "The OnceOnly Redis store runs on a Redis Cluster whose Lettuce client never refreshes its "
					+ "topology (no adaptive refresh trigger and no periodic refresh): after a failover the store "
					+ "keeps failing for the slots of the lost master until the application restarts. Enable "
					+ "Lettuce's adaptive refresh triggers (ClusterTopologyRefreshOptions, on by default) or set "
					+ "spring.data.redis.lettuce.cluster.refresh.period (see docs/stores.md)";
		}

	}

}
