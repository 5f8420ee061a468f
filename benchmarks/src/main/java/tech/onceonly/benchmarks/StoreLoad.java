package tech.onceonly.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import tech.onceonly.client.AiRun;
import tech.onceonly.client.OnceOnlyAi;
import tech.onceonly.engine.EngineSettings;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.jdbc.JdbcStore;
import tech.onceonly.store.redis.RedisStore;

/**
 * Load on a durable store through the local engine (the API an application calls),
 * against the raw single operation on the same server in the same run:
 * {@code INSERT … ON CONFLICT DO NOTHING} over JDBC for PostgreSQL, {@code SET NX PX}
 * over Lettuce for Redis. Phases: raw, check-lock (new keys), lease + complete (new keys,
 * two writes), and replay (a lease on a completed key, which should be one read). Usage:
 * {@code java -cp benchmarks.jar tech.onceonly.benchmarks.StoreLoad --backend=postgres|redis --threads=1,8
 * --seconds=8 --warmup=2}; the URLs come from {@code ONCEONLY_TEST_POSTGRES_URL} and
 * {@code ONCEONLY_TEST_REDIS_URL}.
 */
public final class StoreLoad {

	private static final Duration TTL = Duration.ofMinutes(10);

	private static final int ROUNDS = 3;

	private StoreLoad() {
	}

	public static void main(String[] args) throws Exception {
		String backend = LoadDriver.stringOption(args, "backend", "redis");
		long seconds = LoadDriver.option(args, "seconds", 8);
		long warmup = LoadDriver.option(args, "warmup", 2);
		String run = Long.toString(System.currentTimeMillis(), 36);
		List<Integer> threadCounts = new ArrayList<>();
		for (String t : LoadDriver.stringOption(args, "threads", "1,8").split(",")) {
			threadCounts.add(Integer.parseInt(t.trim()));
		}
		int maxThreads = threadCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
		EngineSettings settings = EngineSettings.defaults().withRetention(Duration.ofMinutes(10));
		if (backend.equals("postgres")) {
			String url = required("ONCEONLY_TEST_POSTGRES_URL");
			HikariConfig config = new HikariConfig();
			config.setJdbcUrl(url);
			config.setUsername("postgres");
			config.setMaximumPoolSize(maxThreads);
			config.setMinimumIdle(maxThreads);
			try (HikariDataSource dataSource = new HikariDataSource(config)) {
				JdbcStore store = new JdbcStore(dataSource, "bench_", null);
				store.initializeSchema();
				try (Connection connection = dataSource.getConnection();
						Statement statement = connection.createStatement()) {
					statement.execute("CREATE TABLE IF NOT EXISTS bench_raw (raw_key VARCHAR(256) PRIMARY KEY, "
							+ "expires_at BIGINT NOT NULL)");
					statement.execute("TRUNCATE bench_raw, bench_locks, bench_leases");
				}
				LoadDriver.Operation raw = (thread, sequence) -> {
					try (Connection connection = dataSource.getConnection();
							PreparedStatement insert = connection.prepareStatement(
									"INSERT INTO bench_raw (raw_key, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
						insert.setString(1, "raw-" + run + "-" + thread + "-" + sequence);
						insert.setLong(2, System.currentTimeMillis() + TTL.toMillis());
						insert.executeUpdate();
					}
				};
				measure("postgres", store, settings, run, threadCounts, warmup, seconds, raw,
						"INSERT ON CONFLICT DO NOTHING");
			}
		}
		else {
			String url = required("ONCEONLY_TEST_REDIS_URL");
			java.net.URI uri = java.net.URI.create(url);
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
			factory.afterPropertiesSet();
			factory.start();
			RedisClient client = RedisClient.create(url);
			try (StatefulRedisConnection<String, String> connection = client.connect()) {
				RedisCommands<String, String> redis = connection.sync();
				SetArgs nxPx = SetArgs.Builder.nx().px(TTL.toMillis());
				LoadDriver.Operation raw = (thread, sequence) -> redis
					.set("bench-raw:" + run + ":" + thread + ":" + sequence, "1", nxPx);
				RedisStore store = new RedisStore(factory, "bench:");
				measure("redis", store, settings, run, threadCounts, warmup, seconds, raw, "SET NX PX");
			}
			finally {
				client.shutdown();
				factory.destroy();
			}
		}
	}

	private static void measure(String backend, OnceOnlyStore store, EngineSettings settings, String run,
			List<Integer> threadCounts, long warmup, long seconds, LoadDriver.Operation raw, String rawName)
			throws Exception {
		try (LocalOnceOnly client = LocalOnceOnly.builder(store).settings(settings).build()) {
			OnceOnlyAi ai = client.ai();
			Map<String, Object> result = Map.of("ok", true);
			for (int threads : threadCounts) {
				String tag = backend + "-" + threads;
				long[] completed = new long[threads];
				LoadDriver.Operation checkLockCall = (thread, sequence) -> client
					.checkLock("cl-" + run + "-" + tag + "-" + thread + "-" + sequence, TTL);
				// each thread numbers its own completed keys 0, 1, 2, ... across rounds,
				// for the replays
				LoadDriver.Operation leaseCompleteCall = (thread, sequence) -> {
					String key = "lc-" + run + "-" + tag + "-" + thread + "-" + completed[thread];
					AiRun lease = ai.lease(key, TTL, null);
					ai.complete(key, lease.leaseId(), result, null);
					completed[thread]++;
				};
				LoadDriver.Operation replayCall = (thread, sequence) -> {
					String key = "lc-" + run + "-" + tag + "-" + thread + "-" + (sequence % completed[thread]);
					AiRun lease = ai.lease(key, TTL, null);
					if (!"completed".equals(lease.status())) {
						throw new IllegalStateException("expected completed, got " + lease.status());
					}
				};
				// short interleaved rounds, so drift and other load on the machine hit
				// every phase alike
				LoadDriver.Operation storeCall = (thread, sequence) -> store
					.tryLock("st-" + run + "-" + tag + "-" + thread + "-" + sequence, TTL, null);
				List<LoadDriver.Result> raws = new ArrayList<>();
				List<LoadDriver.Result> storeLocks = new ArrayList<>();
				List<LoadDriver.Result> checkLocks = new ArrayList<>();
				List<LoadDriver.Result> leaseCompletes = new ArrayList<>();
				List<LoadDriver.Result> replays = new ArrayList<>();
				long slice = seconds * 1000 / ROUNDS;
				for (int round = 0; round < ROUNDS; round++) {
					long warm = (round == 0) ? warmup * 1000 : 300;
					raws.add(LoadDriver.run(backend + " raw " + rawName, threads, warm, slice, offset(raw, round)));
					storeLocks.add(LoadDriver.run(backend + " store.tryLock (no engine)", threads, warm, slice,
							offset(storeCall, round)));
					checkLocks.add(LoadDriver.run(backend + " check-lock", threads, warm, slice,
							offset(checkLockCall, round)));
					leaseCompletes
						.add(LoadDriver.run(backend + " lease+complete", threads, warm, slice, leaseCompleteCall));
					replays.add(
							LoadDriver.run(backend + " replay (lease on completed)", threads, warm, slice, replayCall));
				}
				LoadDriver.Result rawResult = LoadDriver.Result.merge(raws);
				LoadDriver.Result checkLock = LoadDriver.Result.merge(checkLocks);
				LoadDriver.Result leaseComplete = LoadDriver.Result.merge(leaseCompletes);
				LoadDriver.Result replay = LoadDriver.Result.merge(replays);
				LoadDriver.Result storeLock = LoadDriver.Result.merge(storeLocks);
				print(rawResult);
				print(storeLock);
				print(checkLock);
				print(leaseComplete);
				print(replay);
				System.out.println(LoadDriver.ratio(backend + " check-lock vs raw", checkLock, rawResult, 1));
				System.out.println(LoadDriver.ratio(backend + " store.tryLock vs raw", storeLock, rawResult, 1));
				System.out.println(LoadDriver.ratio(backend + " lease+complete vs raw", leaseComplete, rawResult, 1));
				System.out.println(LoadDriver.ratio(backend + " lease+complete vs 2 raw", leaseComplete, rawResult, 2));
				System.out.println(LoadDriver.ratio(backend + " replay vs raw", replay, rawResult, 1));
			}
		}
	}

	/** Sequence numbers of round {@code round} never repeat those of an earlier round. */
	private static LoadDriver.Operation offset(LoadDriver.Operation operation, int round) {
		long base = round * 1_000_000_000L;
		return (thread, sequence) -> operation.call(thread, base + sequence);
	}

	private static void print(LoadDriver.Result result) {
		System.out.println("RESULT " + result.line());
	}

	private static String required(String name) {
		String value = System.getenv(name);
		if (value == null || value.isBlank()) {
			throw new IllegalStateException(
					name + " is not set: source .ci/services.sh and call onceonly_services_start");
		}
		return value;
	}

}
