package tech.onceonly.store;

import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.client.WaitOptions;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.jdbc.JdbcStore;
import tech.onceonly.store.redis.RedisStore;

/**
 * A child JVM of {@code CrashRecoveryTests}: runs one lease-protected piece of work on a
 * shared store. In mode {@code hang} it announces its lease id from inside the work and
 * waits to be killed; in mode {@code finish} it takes the work over (waiting for the dead
 * holder's lease to expire), performs the side effect and completes.
 * <p>
 * Arguments: {@code postgres|redis <url> <key> hang|finish}.
 */
public final class CrashWorker {

	/**
	 * The lease time of the work: short, so that a dead holder's lease expires within
	 * seconds.
	 */
	static final Duration LEASE_TTL = Duration.ofSeconds(2);

	private CrashWorker() {
	}

	/** Runs the worker; exits 0 after completing, never returns in mode {@code hang}. */
	public static void main(String[] args) throws Exception {
		String backend = args[0];
		String url = args[1];
		String key = args[2];
		boolean hang = "hang".equals(args[3]);
		PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
		Backend shared = "postgres".equals(backend) ? postgres(url) : redis(url);
		try (LocalOnceOnly onceOnly = new LocalOnceOnly(shared.store())) {
			RunFnOptions options = RunFnOptions.defaults()
				.withTtl(LEASE_TTL)
				.withExtendEvery(Duration.ofSeconds(1))
				.withWaitOnConflict(true,
						WaitOptions.defaults()
							.withTimeout(Duration.ofSeconds(20))
							.withPoll(Duration.ofMillis(100), Duration.ofMillis(500)));
			AiResult result = onceOnly.ai().runFn(key, () -> {
				if (hang) {
					out.println("IN_WORK " + shared.store().getLease(key).leaseId());
					sleepUntilKilled();
				}
				shared.recordEffect().accept(key);
				return Map.of("by", ProcessHandle.current().pid());
			}, options);
			out.println("DONE " + result.status());
		}
		System.exit(0);
	}

	private static void sleepUntilKilled() {
		try {
			Thread.sleep(Duration.ofMinutes(5).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		throw new IllegalStateException("not killed");
	}

	private static Backend postgres(String url) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(url);
		dataSource.setUsername("postgres");
		dataSource.setMaximumPoolSize(4);
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		return new Backend(new JdbcStore(dataSource),
				(key) -> jdbc.update("INSERT INTO onceonly_crash_effects (effect_key, pid) VALUES (?, ?)", key,
						ProcessHandle.current().pid()));
	}

	private static Backend redis(String url) {
		URI uri = URI.create(url);
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
		factory.afterPropertiesSet();
		factory.start();
		StringRedisTemplate redis = new StringRedisTemplate(factory);
		return new Backend(new RedisStore(factory), (key) -> redis.opsForList()
			.rightPushAll(effectsKey(key), List.of(Long.toString(ProcessHandle.current().pid()))));
	}

	/** The Redis list where the side effect of {@code key} is recorded. */
	static String effectsKey(String key) {
		return "crash-effects:{" + key + "}";
	}

	private record Backend(OnceOnlyStore store, java.util.function.Consumer<String> recordEffect) {
	}

}
