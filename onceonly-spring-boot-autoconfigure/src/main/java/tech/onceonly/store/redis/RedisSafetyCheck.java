package tech.onceonly.store.redis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Reads the settings of a Redis server that decide whether the OnceOnly stores are safe
 * on it, and says what is wrong with them: no persistence (a restart forgets every lock,
 * lease, result and kill switch, so work runs twice), a {@code maxmemory-policy} that
 * evicts live keys (every OnceOnly key has an expiry, so {@code volatile-*} policies
 * evict them too; only {@code noeviction} is safe), and a server older than the
 * governance scripts need ({@code SET … KEEPTTL}, Redis 6.0). On a Redis Cluster every
 * master and replica is read and judged on its own.
 */
public final class RedisSafetyCheck {

	/** The oldest Redis the stores work on. */
	public static final String MINIMUM_VERSION = "6.0.0";

	private RedisSafetyCheck() {
	}

	/**
	 * Reads the settings of the one server behind {@code connectionFactory} (standalone
	 * or sentinel); for a cluster use {@link #readEveryNode(RedisConnectionFactory)}.
	 * @throws org.springframework.dao.DataAccessException when the server cannot be
	 * reached
	 * @throws IllegalArgumentException when {@code connectionFactory} is a cluster one
	 */
	public static Settings read(RedisConnectionFactory connectionFactory) {
		try (RedisConnection connection = connectionFactory.getConnection()) {
			if (connection instanceof RedisClusterConnection) {
				throw new IllegalArgumentException(
						"A Redis Cluster has settings per node: read them with readEveryNode");
			}
			return read(connection.serverCommands()::info, connection.serverCommands()::getConfig);
		}
	}

	/**
	 * Reads the settings of every server behind {@code connectionFactory}: the one server
	 * of a standalone or sentinel setup, or each master and replica of a Redis Cluster
	 * (every node that is connected and not flagged failing; a replica becomes the master
	 * at a failover, so its settings matter as much).
	 * @throws org.springframework.dao.DataAccessException when a server cannot be reached
	 */
	public static List<NodeSettings> readEveryNode(RedisConnectionFactory connectionFactory) {
		try (RedisConnection connection = connectionFactory.getConnection()) {
			if (!(connection instanceof RedisClusterConnection cluster)) {
				return List.of(new NodeSettings(null, true,
						read(connection.serverCommands()::info, connection.serverCommands()::getConfig)));
			}
			List<NodeSettings> nodes = new ArrayList<>();
			for (RedisClusterNode node : cluster.clusterGetNodes()) {
				if (!node.isConnected() || node.isMarkedAsFail()) {
					continue;
				}
				Settings settings = read((section) -> cluster.serverCommands().info(node, section),
						(pattern) -> cluster.serverCommands().getConfig(node, pattern));
				nodes.add(new NodeSettings(node.getHost() + ":" + node.getPort(), node.isMaster(), settings));
			}
			nodes.sort(Comparator.comparing((NodeSettings node) -> !node.master())
				.thenComparing((node) -> String.valueOf(node.node())));
			return nodes;
		}
	}

	private static Settings read(Function<String, @Nullable Properties> info,
			Function<String, @Nullable Properties> config) {
		Properties server = info.apply("server");
		Properties persistence = info.apply("persistence");
		Properties memory = info.apply("memory");
		String save;
		try {
			Properties saveConfig = config.apply("save");
			save = (saveConfig != null) ? saveConfig.getProperty("save") : null;
		}
		catch (RuntimeException ex) {
			// CONFIG is often disabled by managed Redis providers
			save = null;
		}
		return new Settings(property(server, "redis_version"), "1".equals(property(persistence, "aof_enabled")), save,
				property(memory, "maxmemory_policy"));
	}

	private static @Nullable String property(@Nullable Properties properties, String name) {
		return (properties != null) ? properties.getProperty(name) : null;
	}

	/**
	 * What is unsafe in {@code settings}, each a sentence saying what to change; empty
	 * when nothing is.
	 * @param settings the server's settings
	 * @param requirePersistence whether a server that keeps nothing on disk is refused
	 * @param requireNoEviction whether an evicting {@code maxmemory-policy} is refused
	 */
	public static List<String> problems(Settings settings, boolean requirePersistence, boolean requireNoEviction) {
		List<String> problems = new ArrayList<>();
		String version = settings.version();
		if (version != null && compareVersions(version, MINIMUM_VERSION) < 0) {
			problems.add("Redis " + version + " is older than " + MINIMUM_VERSION
					+ ", which the OnceOnly governance scripts need (SET ... KEEPTTL); upgrade Redis");
		}
		if (requirePersistence && !settings.persistent()) {
			String save = (settings.savePoints() != null) ? "there are no RDB save points"
					: "the RDB save points could not be read (CONFIG GET save was refused)";
			problems.add("Redis keeps no OnceOnly data on disk (appendonly is no and " + save
					+ "): a restart forgets every lock, lease, result and kill switch, and work runs twice. "
					+ "Turn on AOF (appendonly yes, appendfsync everysec), or, if your provider persists the data "
					+ "in a way Redis does not report, set onceonly.store.redis.require-persistence=false");
		}
		String policy = settings.maxmemoryPolicy();
		if (requireNoEviction && policy != null && !policy.equalsIgnoreCase("noeviction")) {
			problems.add("Redis maxmemory-policy is " + policy
					+ ": when memory fills, Redis evicts live OnceOnly locks and leases (they all have an expiry) "
					+ "and the work they guard runs twice. Set maxmemory-policy noeviction (writes then fail "
					+ "clearly when memory is full), or, accepting that risk, set "
					+ "onceonly.store.redis.require-noeviction=false");
		}
		return problems;
	}

	/**
	 * What is unsafe on each of {@code nodes}, each a sentence saying what to change;
	 * sentences about a node of a cluster start with the node and its role.
	 * @param nodes the settings of every server
	 * @param requirePersistence whether a server that keeps nothing on disk is refused
	 * @param requireNoEviction whether an evicting {@code maxmemory-policy} is refused
	 */
	public static List<String> problems(List<NodeSettings> nodes, boolean requirePersistence,
			boolean requireNoEviction) {
		List<String> problems = new ArrayList<>();
		for (NodeSettings node : nodes) {
			for (String problem : problems(node.settings(), requirePersistence, requireNoEviction)) {
				problems.add((node.node() != null) ? node.describe() + ": " + problem : problem);
			}
		}
		return problems;
	}

	/** Compares dotted versions numerically ({@code 6.0.16} &lt; {@code 6.2.0}). */
	static int compareVersions(String left, String right) {
		String[] a = left.trim().split("[.-]");
		String[] b = right.trim().split("[.-]");
		for (int i = 0; i < Math.max(a.length, b.length); i++) {
			int x = (i < a.length) ? number(a[i]) : 0;
			int y = (i < b.length) ? number(b[i]) : 0;
			if (x != y) {
				return Integer.compare(x, y);
			}
		}
		return 0;
	}

	private static int number(String part) {
		String digits = part.replaceAll("[^0-9].*$", "");
		return digits.isEmpty() ? 0 : Integer.parseInt(digits);
	}

	/**
	 * The settings of one server of a setup.
	 *
	 * @param node {@code host:port} of a cluster node, or {@code null} for the one server
	 * of a standalone or sentinel setup
	 * @param master whether the node is a master
	 * @param settings its settings
	 */
	public record NodeSettings(@Nullable String node, boolean master, Settings settings) {

		/** The node and its role, such as {@code 127.0.0.1:7102 (replica)}. */
		public String describe() {
			return ((this.node != null) ? this.node : "Redis") + (this.master ? " (master)" : " (replica)");
		}

	}

	/**
	 * The settings of one server that the checks read.
	 *
	 * @param version {@code redis_version}, or {@code null} when not reported
	 * @param aofEnabled whether AOF persistence is on
	 * @param savePoints the RDB save points ({@code CONFIG GET save}; empty for none), or
	 * {@code null} when they could not be read
	 * @param maxmemoryPolicy the eviction policy, or {@code null} when not reported
	 */
	public record Settings(@Nullable String version, boolean aofEnabled, @Nullable String savePoints,
			@Nullable String maxmemoryPolicy) {

		/** Whether the server writes its data to disk (AOF, or RDB save points). */
		public boolean persistent() {
			return this.aofEnabled || (this.savePoints != null && !this.savePoints.isBlank());
		}

		@Override
		public String toString() {
			return "redis_version=" + this.version + ", appendonly=" + (this.aofEnabled ? "yes" : "no") + ", save="
					+ ((this.savePoints != null) ? "\"" + this.savePoints + "\"" : "unknown") + ", maxmemory-policy="
					+ this.maxmemoryPolicy;
		}

	}

}
