package tech.onceonly.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.SlotHash;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import tech.onceonly.store.TestServices;

/**
 * The test Redis Cluster of {@code .ci/services.sh}
 * ({@code ONCEONLY_TEST_REDIS_CLUSTER_NODES}): connection factories as an application
 * configures them, and admin commands on single nodes (topology, failover, slot
 * migration, settings) for the tests that change the cluster under a running store.
 */
public final class TestRedisCluster implements AutoCloseable {

	/** How long a topology change may take to settle on every node. */
	static final Duration SETTLE = Duration.ofSeconds(30);

	private final List<String> addresses;

	private final RedisClient client = RedisClient.create();

	private final Map<String, StatefulRedisConnection<String, String>> connections = new LinkedHashMap<>();

	private TestRedisCluster(List<String> addresses) {
		this.addresses = addresses;
	}

	/**
	 * The test cluster; skips or fails as {@link TestServices} says when it is not set.
	 */
	public static TestRedisCluster open() {
		return new TestRedisCluster(addresses());
	}

	/** The {@code host:port} of every node of the test cluster. */
	public static List<String> addresses() {
		return Arrays.stream(TestServices.redisClusterNodes().split(",")).map(String::trim).toList();
	}

	/**
	 * A started connection factory on the test cluster with what docs/stores.md asks of a
	 * production one: adaptive topology refresh (every trigger) plus a periodic refresh,
	 * and a command timeout.
	 */
	public static LettuceConnectionFactory connect() {
		ClusterTopologyRefreshOptions refresh = ClusterTopologyRefreshOptions.builder()
			.enableAllAdaptiveRefreshTriggers()
			.enablePeriodicRefresh(Duration.ofSeconds(10))
			.build();
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.commandTimeout(Duration.ofSeconds(2))
			.clientOptions(ClusterClientOptions.builder().topologyRefreshOptions(refresh).build())
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisClusterConfiguration(addresses()),
				client);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** Admin commands on the node at {@code address}. */
	public RedisCommands<String, String> node(String address) {
		return this.connections.computeIfAbsent(address, (key) -> {
			String[] hostPort = key.split(":");
			return this.client.connect(RedisURI.create(hostPort[0], Integer.parseInt(hostPort[1])));
		}).sync();
	}

	/** The slot of {@code redisKey}. */
	public static int slot(String redisKey) {
		return SlotHash.getSlot(redisKey);
	}

	/** The nodes as {@code address} sees them. */
	public List<Node> topology(String address) {
		List<Node> nodes = new ArrayList<>();
		for (String line : node(address).clusterNodes().split("\n")) {
			if (!line.isBlank()) {
				nodes.add(Node.parse(line.trim()));
			}
		}
		return nodes;
	}

	/** The nodes as the first node that answers sees them. */
	public List<Node> topology() {
		RuntimeException failure = null;
		for (String address : this.addresses) {
			try {
				return topology(address);
			}
			catch (RuntimeException ex) {
				failure = ex;
			}
		}
		throw new IllegalStateException("no node of the test cluster answers", failure);
	}

	/** The master that serves {@code slot}. */
	public Node masterOf(int slot) {
		return topology().stream()
			.filter((node) -> node.master() && node.serves(slot))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no master serves slot " + slot));
	}

	/** The masters, ordered by address. */
	public List<Node> masters() {
		return topology().stream().filter(Node::master).sorted((a, b) -> a.address().compareTo(b.address())).toList();
	}

	/** The replica of {@code master}. */
	public Node replicaOf(Node master) {
		return topology().stream()
			.filter((node) -> !node.master() && master.id().equals(node.masterId()))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no replica of " + master.address()));
	}

	/**
	 * A graceful manual failover: {@code CLUSTER FAILOVER} on {@code replica}, which
	 * waits until it has every write of its master, then takes over; returns when every
	 * node agrees and the old master replicates from it.
	 */
	public void failover(Node replica) throws InterruptedException {
		node(replica.address()).clusterFailover(false);
		awaitStable(Set.of(replica.address()));
	}

	/**
	 * Puts back the settings {@code .ci/services.sh} starts every node with (AOF on,
	 * {@code noeviction}) and waits until an AOF rewrite the change started has ended.
	 */
	public void restoreSafeSettings(String address) throws InterruptedException {
		RedisCommands<String, String> node = node(address);
		node.configSet("maxmemory-policy", "noeviction");
		node.configSet("appendonly", "yes");
		long deadline = System.nanoTime() + SETTLE.toNanos();
		while (true) {
			String persistence = node.info("persistence");
			if (persistence.contains("aof_enabled:1") && persistence.contains("aof_rewrite_in_progress:0")
					&& !persistence.contains("aof_rewrite_scheduled:1")) {
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(address + " did not finish its AOF rewrite: " + persistence);
			}
			Thread.sleep(20);
		}
	}

	/**
	 * The addresses of the masters now, to give to {@link #restoreMasters(Set)} later.
	 */
	public Set<String> masterAddresses() {
		Set<String> addresses = new HashSet<>();
		masters().forEach((node) -> addresses.add(node.address()));
		return addresses;
	}

	/**
	 * Fails back until exactly {@code masters} are the masters (each original master is
	 * the replica of the node that took over from it), so later tests see the layout
	 * {@code .ci/services.sh} made.
	 */
	public void restoreMasters(Set<String> masters) throws InterruptedException {
		awaitStable(Set.of());
		for (Node node : topology()) {
			if (!node.master() && masters.contains(node.address())) {
				failover(node);
			}
		}
	}

	/**
	 * Waits until every node says {@code cluster_state:ok}, all agree on which node
	 * serves which slots, no node is flagged failing, every master has its replica in
	 * sync, and each of {@code expectedMasters} is a master.
	 */
	public void awaitStable(Set<String> expectedMasters) throws InterruptedException {
		long deadline = System.nanoTime() + SETTLE.toNanos();
		String why = "";
		while (System.nanoTime() < deadline) {
			try {
				why = unstable(expectedMasters);
				if (why == null) {
					return;
				}
			}
			catch (RuntimeException ex) {
				why = ex.toString();
			}
			Thread.sleep(50);
		}
		throw new IllegalStateException("the test cluster did not settle within " + SETTLE + ": " + why);
	}

	private String unstable(Set<String> expectedMasters) {
		Map<String, String> first = null;
		for (String address : this.addresses) {
			RedisCommands<String, String> node = node(address);
			if (!node.clusterInfo().contains("cluster_state:ok")) {
				return address + " is not cluster_state:ok";
			}
			List<Node> view = topology(address);
			Map<String, String> masters = new TreeMap<>();
			for (Node other : view) {
				if (other.flags().contains("fail") || other.flags().contains("fail?")) {
					return address + " sees " + other.address() + " failing";
				}
				if (other.master()) {
					masters.put(other.address(), other.slots());
				}
			}
			if (first == null) {
				first = masters;
			}
			else if (!first.equals(masters)) {
				return "the nodes disagree on the masters: " + first + " and " + masters;
			}
			String replication = node.info("replication");
			if (replication.contains("role:master")) {
				if (!replication.contains("connected_slaves:1") || !replication.contains("state=online")) {
					return address + " has no replica in sync";
				}
			}
			else if (!replication.contains("master_link_status:up")
					|| !replication.contains("master_sync_in_progress:0")) {
				return address + " is not in sync with its master";
			}
		}
		if (first == null || first.size() != 3 || !first.keySet().containsAll(expectedMasters)) {
			return "masters are " + ((first != null) ? first.keySet() : "unknown") + ", expected three including "
					+ expectedMasters;
		}
		return null;
	}

	@Override
	public void close() {
		this.connections.values().forEach(StatefulRedisConnection::close);
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
	}

	/**
	 * One line of {@code CLUSTER NODES}.
	 *
	 * @param id the node id
	 * @param address {@code host:port}
	 * @param flags the flags ({@code master}, {@code slave}, {@code myself},
	 * {@code fail?} …)
	 * @param masterId the id of its master, or {@code -}
	 * @param slots the slot ranges it serves, space separated
	 */
	public record Node(String id, String address, List<String> flags, String masterId, String slots) {

		static Node parse(String line) {
			String[] parts = line.split(" ");
			String address = parts[1].substring(0, parts[1].indexOf('@'));
			List<String> slots = new ArrayList<>();
			for (int i = 8; i < parts.length; i++) {
				if (!parts[i].startsWith("[")) {
					slots.add(parts[i]);
				}
			}
			return new Node(parts[0], address, List.of(parts[2].split(",")), parts[3], String.join(" ", slots));
		}

		/** Whether it is a master. */
		public boolean master() {
			return this.flags.contains("master");
		}

		/** Whether it serves {@code slot}. */
		public boolean serves(int slot) {
			for (String range : this.slots.split(" ")) {
				if (range.isEmpty()) {
					continue;
				}
				int dash = range.indexOf('-');
				int from = Integer.parseInt((dash < 0) ? range : range.substring(0, dash));
				int to = Integer.parseInt((dash < 0) ? range : range.substring(dash + 1));
				if (slot >= from && slot <= to) {
					return true;
				}
			}
			return false;
		}

	}

}
