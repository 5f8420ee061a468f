package tech.onceonly.benchmarks;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.jdbc.JdbcStore;
import tech.onceonly.store.redis.RedisNearCacheSettings;
import tech.onceonly.store.redis.RedisStore;

/**
 * What one store call costs, counted rather than timed, so that a loaded machine distorts
 * it little: the client process's CPU time per call (every thread, including the driver's
 * I/O threads and the GC), the bytes the calling thread allocates per call, and on Redis
 * the server's own accounting per call ({@code INFO cpu} of the server process and
 * {@code INFO commandstats} per command). One thread, sequential calls, new keys for
 * first executions, completed keys for replays. Usage:
 * {@code java -cp benchmarks.jar tech.onceonly.benchmarks.StoreCallCost --backend=redis|postgres --calls=20000};
 * the server comes from {@code ONCEONLY_TEST_REDIS_URL} /
 * {@code ONCEONLY_TEST_POSTGRES_URL}. Redis's numbers count every client of that server,
 * so use a Redis nobody else uses.
 */
public final class StoreCallCost {

	private static final Duration TTL = Duration.ofMinutes(10);

	private StoreCallCost() {
	}

	public static void main(String[] args) throws Exception {
		String backend = LoadDriver.stringOption(args, "backend", "redis");
		int calls = LoadDriver.option(args, "calls", 20000);
		String run = Long.toString(System.currentTimeMillis(), 36);
		if (backend.equals("postgres")) {
			postgres(calls, run);
		}
		else {
			redis(calls, run);
		}
	}

	private static void redis(int calls, String run) throws Exception {
		String url = System.getenv("ONCEONLY_TEST_REDIS_URL");
		java.net.URI uri = java.net.URI.create(url);
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
		factory.afterPropertiesSet();
		factory.start();
		RedisClient client = RedisClient.create(url);
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			RedisCommands<String, String> redis = connection.sync();
			SetArgs nxPx = SetArgs.Builder.nx().px(TTL.toMillis());
			RedisStore store = new RedisStore(factory, "cost-" + run + ":");
			Server server = () -> info(redis);
			Map<String, Step> steps = steps(store, run, calls);
			// the store above answers replays from its near cache (the default); this
			// one,
			// on the same keys, reads them from Redis every time
			RedisStore uncached = new RedisStore(factory, "cost-" + run + ":", RedisNearCacheSettings.OFF);
			steps.put("store.acquireLease (replay of a completed key, near cache off)", (i) -> {
				LeaseResult lease = uncached.acquireLease("c-" + run + "-" + (i % calls), TTL,
						UUID.randomUUID().toString(), null);
				if (lease.outcome() != LeaseResult.Outcome.COMPLETED) {
					throw new IllegalStateException("expected COMPLETED, got " + lease.outcome());
				}
			});
			steps.put("raw SET NX PX", (i) -> redis.set("cost-raw:" + run + ":" + i, "1", nxPx));
			try {
				measure(steps, calls, server);
			}
			finally {
				store.close();
				uncached.close();
			}
		}
		finally {
			client.shutdown();
			factory.destroy();
		}
	}

	private static void postgres(int calls, String run) throws Exception {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(System.getenv("ONCEONLY_TEST_POSTGRES_URL"));
		config.setUsername("postgres");
		config.setMaximumPoolSize(2);
		try (HikariDataSource dataSource = new HikariDataSource(config)) {
			String prefix = "cost_" + run + "_";
			JdbcStore store = new JdbcStore(dataSource, prefix, null);
			store.initializeSchema();
			try (Connection connection = dataSource.getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE " + prefix + "raw (raw_key VARCHAR(256) PRIMARY KEY, "
						+ "expires_at BIGINT NOT NULL)");
			}
			Map<String, Step> steps = steps(store, run, calls);
			steps.put("raw INSERT ON CONFLICT DO NOTHING", (i) -> {
				try (Connection connection = dataSource.getConnection();
						PreparedStatement insert = connection.prepareStatement("INSERT INTO " + prefix
								+ "raw (raw_key, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
					insert.setString(1, "raw-" + run + "-" + i);
					insert.setLong(2, System.currentTimeMillis() + TTL.toMillis());
					insert.executeUpdate();
				}
			});
			try {
				measure(steps, calls, () -> new LinkedHashMap<>());
			}
			finally {
				try (Connection connection = dataSource.getConnection();
						Statement statement = connection.createStatement()) {
					statement.execute("DROP TABLE " + prefix + "raw, " + prefix + "locks, " + prefix + "leases");
				}
			}
		}
	}

	/** The store's calls; lease + complete fills the keys the replays read. */
	private static Map<String, Step> steps(OnceOnlyStore store, String run, int calls) {
		Map<String, Step> steps = new LinkedHashMap<>();
		steps.put("store.tryLock (new key)", (i) -> store.tryLock("l-" + run + "-" + i, TTL, null));
		steps.put("store.acquireLease + completeLease (new key)", (i) -> {
			String key = "c-" + run + "-" + i;
			LeaseResult lease = store.acquireLease(key, TTL, UUID.randomUUID().toString(), null);
			store.completeLease(key, lease.record().leaseId(), "{\"ok\":true}", null, TTL);
		});
		steps.put("store.acquireLease (replay of a completed key)", (i) -> {
			LeaseResult lease = store.acquireLease("c-" + run + "-" + (i % calls), TTL, UUID.randomUUID().toString(),
					null);
			if (lease.outcome() != LeaseResult.Outcome.COMPLETED) {
				throw new IllegalStateException("expected COMPLETED, got " + lease.outcome());
			}
		});
		return steps;
	}

	private static void measure(Map<String, Step> steps, int calls, Server server) throws Exception {
		com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean();
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		System.out.println("load average at start: " + os.getSystemLoadAverage());
		int rounds = 5;
		int slice = calls / rounds;
		Map<String, int[]> next = new LinkedHashMap<>();
		Map<String, long[]> totals = new LinkedHashMap<>();
		Map<String, Map<String, double[]>> serverTotals = new LinkedHashMap<>();
		// round 0 warms up; rounds 1..5 are counted, the steps interleaved so that load
		// that comes and goes hits every step alike
		for (int round = 0; round <= rounds; round++) {
			for (Map.Entry<String, Step> step : steps.entrySet()) {
				int[] counter = next.computeIfAbsent(step.getKey(), (k) -> new int[1]);
				boolean replay = step.getKey().contains("replay");
				Map<String, double[]> before = server.read();
				long cpu = os.getProcessCpuTime();
				long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
				long start = System.nanoTime();
				for (int i = 0; i < slice; i++) {
					// replays cycle over the keys lease + complete filled in the warm-up
					// round
					step.getValue().call(replay ? (counter[0]++ % slice) : counter[0]++);
				}
				long wall = System.nanoTime() - start;
				long cpuUsed = os.getProcessCpuTime() - cpu;
				long bytes = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - allocated;
				Map<String, double[]> after = server.read();
				if (round == 0) {
					continue;
				}
				long[] total = totals.computeIfAbsent(step.getKey(), (k) -> new long[3]);
				total[0] += cpuUsed;
				total[1] += bytes;
				total[2] += wall;
				Map<String, double[]> sums = serverTotals.computeIfAbsent(step.getKey(), (k) -> new LinkedHashMap<>());
				for (Map.Entry<String, double[]> entry : after.entrySet()) {
					double[] b = before.getOrDefault(entry.getKey(), new double[2]);
					double[] sum = sums.computeIfAbsent(entry.getKey(), (k) -> new double[2]);
					sum[0] += entry.getValue()[0] - b[0];
					sum[1] += entry.getValue()[1] - b[1];
				}
			}
		}
		long counted = (long) slice * rounds;
		for (Map.Entry<String, long[]> entry : totals.entrySet()) {
			long[] total = entry.getValue();
			StringBuilder line = new StringBuilder(String.format(
					"COST %-48s client CPU %6.1f us/call  alloc %7.0f B/call  wall %6.1f us/call", entry.getKey(),
					total[0] / 1000.0 / counted, (double) total[1] / counted, total[2] / 1000.0 / counted));
			Map<String, double[]> sums = serverTotals.get(entry.getKey());
			if (sums.containsKey("server_cpu")) {
				line.append(String.format("  server CPU %.1f us/call", sums.get("server_cpu")[1] / counted));
			}
			for (Map.Entry<String, double[]> command : sums.entrySet()) {
				double n = command.getValue()[0];
				if (n > 0 && !command.getKey().equals("info") && !command.getKey().equals("server_cpu")) {
					line.append(String.format("  %s %.2f/call %.2f us", command.getKey(), n / counted,
							command.getValue()[1] / n));
				}
			}
			System.out.println(line);
		}
		System.out.println("load average at end: " + os.getSystemLoadAverage());
	}

	/** Calls and microseconds per command, and the server's CPU as "server_cpu". */
	private static Map<String, double[]> info(RedisCommands<String, String> redis) {
		Map<String, double[]> stats = new LinkedHashMap<>();
		for (String line : redis.info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_")) {
				String name = line.substring("cmdstat_".length(), line.indexOf(':'));
				Map<String, String> fields = new LinkedHashMap<>();
				for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
					String[] kv = field.split("=");
					fields.put(kv[0], kv[1]);
				}
				stats.put(name, new double[] { Double.parseDouble(fields.get("calls")),
						Double.parseDouble(fields.get("usec")) });
			}
		}
		double cpu = 0;
		for (String line : redis.info("cpu").split("\r?\n")) {
			if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
				cpu += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
			}
		}
		stats.put("server_cpu", new double[] { 0, cpu * 1_000_000 });
		return stats;
	}

	@FunctionalInterface
	interface Step {

		void call(int i) throws Exception;

	}

	@FunctionalInterface
	interface Server {

		Map<String, double[]> read() throws Exception;

	}

}
