package tech.onceonly.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
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
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OutcomeUnknownException;
import tech.onceonly.client.RunFnOptions;
import tech.onceonly.client.WaitOptions;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.jdbc.JdbcStore;
import tech.onceonly.store.redis.RedisStore;

/**
 * A child JVM of {@code CrashRecoveryTests}: runs one lease-protected piece of work on a
 * shared store, with a two second lease heartbeated every second. Modes:
 * <ul>
 * <li>{@code hang}: announces its lease id from inside the work ({@code IN_WORK <id>})
 * before the side effect and waits to be killed;</li>
 * <li>{@code effect-hang}: performs the side effect, announces it
 * ({@code EFFECT_DONE <id>}) and waits to be killed before completing;</li>
 * <li>{@code pause}: announces its lease id ({@code IN_WORK <id>}), then waits for a line
 * {@code GO} on its standard input (the test stops and continues the JVM in between),
 * performs the side effect and returns;</li>
 * <li>{@code finish}: takes the work over (waiting for an earlier holder's lease to
 * expire), performs the side effect and completes.</li>
 * </ul>
 * Every mode that returns prints what its caller saw: {@code DONE <status> by=<pid>} (the
 * pid in the stored result), {@code OUTCOME_UNKNOWN} or {@code ERROR <exception class>};
 * the lease events it reports are printed as they happen ({@code LEASE_LOST},
 * {@code COMPLETION_RETRIED <attempt>}, {@code OUTCOME_UNKNOWN_REPORTED}).
 * <p>
 * Arguments: {@code postgres|redis <url> <key> hang|effect-hang|pause|finish}.
 */
public final class CrashWorker {

	/**
	 * The lease time of the work: short, so that a dead holder's lease expires within
	 * seconds.
	 */
	static final Duration LEASE_TTL = Duration.ofSeconds(2);

	private CrashWorker() {
	}

	/**
	 * Runs the worker; exits 0 once its runFn returned or threw, never returns in the
	 * modes that wait to be killed.
	 */
	public static void main(String[] args) throws Exception {
		String backend = args[0];
		String url = args[1];
		String key = args[2];
		String mode = args[3];
		PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		Backend shared = "postgres".equals(backend) ? postgres(url) : redis(url);
		LeaseEvents events = new LeaseEvents() {

			@Override
			public void leaseLost(String path, String lostKey) {
				out.println("LEASE_LOST");
			}

			@Override
			public void completionRetried(String path, String retriedKey, int attempt, Throwable failure) {
				out.println("COMPLETION_RETRIED " + attempt);
			}

			@Override
			public void outcomeUnknown(String path, String unknownKey, Throwable failure) {
				out.println("OUTCOME_UNKNOWN_REPORTED");
			}

		};
		try (LocalOnceOnly onceOnly = LocalOnceOnly.builder(shared.store()).leaseEvents(events).build()) {
			RunFnOptions options = RunFnOptions.defaults()
				.withTtl(LEASE_TTL)
				.withExtendEvery(Duration.ofSeconds(1))
				.withWaitOnConflict(true,
						WaitOptions.defaults()
							.withTimeout(Duration.ofSeconds(20))
							.withPoll(Duration.ofMillis(100), Duration.ofMillis(500)));
			try {
				AiResult result = onceOnly.ai().runFn(key, () -> {
					switch (mode) {
						case "hang" -> {
							out.println("IN_WORK " + shared.store().getLease(key).leaseId());
							sleepUntilKilled();
						}
						case "effect-hang" -> {
							shared.recordEffect().accept(key);
							out.println("EFFECT_DONE " + shared.store().getLease(key).leaseId());
							sleepUntilKilled();
						}
						case "pause" -> {
							out.println("IN_WORK " + shared.store().getLease(key).leaseId());
							awaitLine(in, "GO");
						}
						default -> {
						}
					}
					shared.recordEffect().accept(key);
					return Map.of("by", ProcessHandle.current().pid());
				}, options);
				Map<String, Object> stored = result.result();
				out.println("DONE " + result.status() + " by=" + ((stored != null) ? stored.get("by") : null));
			}
			catch (OutcomeUnknownException ex) {
				out.println("OUTCOME_UNKNOWN");
			}
			catch (RuntimeException ex) {
				out.println("ERROR " + ex.getClass().getSimpleName());
				ex.printStackTrace();
			}
		}
		System.exit(0);
	}

	private static void awaitLine(BufferedReader in, String expected) {
		try {
			String line;
			while ((line = in.readLine()) != null) {
				if (line.trim().equals(expected)) {
					return;
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		throw new IllegalStateException("standard input ended before " + expected);
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
