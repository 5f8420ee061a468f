package tech.onceonly.store;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

import tech.onceonly.store.jdbc.JdbcStore;
import tech.onceonly.store.redis.RedisStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real processes on a shared PostgreSQL or Redis store ({@link CrashWorker}, a two second
 * lease heartbeated every second: real processes, real time):
 * <ul>
 * <li>a JVM killed with SIGKILL inside its work <em>before</em> the side effect: the
 * second JVM takes the work over once the dead holder's lease expired and completes it;
 * the side effect happens once;</li>
 * <li>a JVM killed <em>after</em> the side effect and before completing: the key becomes
 * free after the lease ttl and the second JVM runs the work again. The side effect
 * happens <strong>twice</strong>: the inherent limit of a crash between the effect and
 * its record, which only a fencing token checked by the downstream system can close
 * (docs/guarantees.md);</li>
 * <li>a JVM stopped with SIGSTOP inside its work past its lease: the second JVM takes
 * over and completes; continued with SIGCONT, the late JVM finishes its work, its
 * completion is refused, and it returns the second JVM's stored result, which is never
 * overwritten. The side effect happens twice (the pause outlived the lease).</li>
 * </ul>
 * In every case the dead or late holder's lease id can no longer change the key.
 */
class CrashRecoveryTests {

	@TempDir
	File logs;

	// ---- kill before the side effect

	@Test
	void postgresWorkOfAJvmKilledBeforeItsEffectShouldBeTakenOverAndDoneOnce() throws Exception {
		onPostgres((backend) -> {
			String key = "crash:" + UUID.randomUUID();
			crashAndTakeOver(backend, key, "hang", "IN_WORK ");
			assertThat(backend.effects(key)).isEqualTo(1);
		});
	}

	@Test
	void redisWorkOfAJvmKilledBeforeItsEffectShouldBeTakenOverAndDoneOnce() throws Exception {
		onRedis((backend) -> {
			String key = "crash:" + UUID.randomUUID();
			crashAndTakeOver(backend, key, "hang", "IN_WORK ");
			assertThat(backend.effects(key)).isEqualTo(1);
		});
	}

	// ---- kill after the side effect, before completing

	@Test
	void postgresWorkOfAJvmKilledAfterItsEffectShouldBeFreedAfterTheTtlAndRunAgain() throws Exception {
		onPostgres((backend) -> {
			String key = "crash:" + UUID.randomUUID();
			crashAndTakeOver(backend, key, "effect-hang", "EFFECT_DONE ");
			assertThat(backend.effects(key)).as("crash after the effect: the inherent second run").isEqualTo(2);
		});
	}

	@Test
	void redisWorkOfAJvmKilledAfterItsEffectShouldBeFreedAfterTheTtlAndRunAgain() throws Exception {
		onRedis((backend) -> {
			String key = "crash:" + UUID.randomUUID();
			crashAndTakeOver(backend, key, "effect-hang", "EFFECT_DONE ");
			assertThat(backend.effects(key)).as("crash after the effect: the inherent second run").isEqualTo(2);
		});
	}

	// ---- pause past the lease

	@Test
	void postgresWorkerPausedPastItsLeaseShouldBeRefusedAndGetTheTakeoversResult() throws Exception {
		onPostgres((backend) -> pauseAndTakeOver(backend, "pause:" + UUID.randomUUID()));
	}

	@Test
	void redisWorkerPausedPastItsLeaseShouldBeRefusedAndGetTheTakeoversResult() throws Exception {
		onRedis((backend) -> pauseAndTakeOver(backend, "pause:" + UUID.randomUUID()));
	}

	private void crashAndTakeOver(Backend backend, String key, String mode, String announcement) throws Exception {
		OnceOnlyStore store = backend.store();
		Worker first = start(backend, key, mode);
		String staleLeaseId;
		try {
			String line = first.readUntil(announcement);
			assertThat(line).as("first worker output; see %s", this.logs).startsWith(announcement);
			staleLeaseId = line.substring(announcement.length()).trim();
		}
		finally {
			first.process().destroyForcibly();
		}
		assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(first.process().exitValue()).as("killed by SIGKILL").isEqualTo(137);
		assertThat(store.getLease(key).leaseId()).isEqualTo(staleLeaseId);

		Worker second = start(backend, key, "finish");
		String output = second.readUntil("DONE ");
		assertThat(second.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(output).as("second worker output; see %s", this.logs)
			.isEqualTo("DONE completed by=" + second.process().pid());
		assertThat(second.process().exitValue()).isZero();

		LeaseRecord record = store.getLease(key);
		assertThat(record.state()).isEqualTo(LeaseState.COMPLETED);
		assertThat(record.version()).isEqualTo(2);
		assertThat(record.resultJson()).contains(Long.toString(second.process().pid()));
		assertDeadLeaseChangesNothing(store, key, staleLeaseId, second.process().pid());
	}

	private void pauseAndTakeOver(Backend backend, String key) throws Exception {
		OnceOnlyStore store = backend.store();
		Worker first = start(backend, key, "pause");
		try {
			String line = first.readUntil("IN_WORK ");
			assertThat(line).as("first worker output; see %s", this.logs).startsWith("IN_WORK ");
			String lateLeaseId = line.substring("IN_WORK ".length()).trim();
			signal("STOP", first.process());

			Worker second = start(backend, key, "finish");
			String output = second.readUntil("DONE ");
			assertThat(second.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
			long secondPid = second.process().pid();
			assertThat(output).as("second worker output; see %s", this.logs)
				.isEqualTo("DONE completed by=" + secondPid);
			assertThat(store.getLease(key).version()).isEqualTo(2);

			signal("CONT", first.process());
			// its next heartbeat finds the lease taken over and reports it, while the
			// work still runs
			assertThat(first.readUntil("LEASE_LOST")).isEqualTo("LEASE_LOST");
			first.send("GO");
			String late = first.readUntil("DONE ", "OUTCOME_UNKNOWN", "ERROR ");
			assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(late).as("what the late worker saw; see %s", this.logs)
				.isEqualTo("DONE completed by=" + secondPid);
			assertThat(backend.effects(key)).as("the pause outlived the lease: both ran the effect").isEqualTo(2);
			LeaseRecord record = store.getLease(key);
			assertThat(record.state()).isEqualTo(LeaseState.COMPLETED);
			assertThat(record.resultJson()).contains(Long.toString(secondPid));
			assertDeadLeaseChangesNothing(store, key, lateLeaseId, secondPid);
		}
		finally {
			first.process().destroyForcibly();
		}
	}

	private static void assertDeadLeaseChangesNothing(OnceOnlyStore store, String key, String leaseId,
			long completedBy) {
		assertThat(store.completeLease(key, leaseId, "{\"by\":\"stale\"}", null, Duration.ofDays(1))).isNull();
		assertThat(store.failLease(key, leaseId, "stale", null, Duration.ofDays(1))).isNull();
		assertThat(store.extendLease(key, leaseId, Duration.ofSeconds(30))).isNull();
		assertThat(store.cancelLease(key, leaseId)).isFalse();
		LeaseRecord record = store.getLease(key);
		assertThat(record.state()).isEqualTo(LeaseState.COMPLETED);
		assertThat(record.resultJson()).contains(Long.toString(completedBy));
	}

	private static void signal(String signal, Process process) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
		assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).as("kill -%s", signal).isZero();
	}

	private Worker start(Backend backend, String key, String mode) throws Exception {
		String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		List<String> command = new ArrayList<>(
				List.of(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"),
						"-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classpath, CrashWorker.class.getName(),
						backend.name(), backend.url(), key, mode));
		File log = new File(this.logs, mode + ".err");
		Files.createDirectories(this.logs.toPath());
		Process process = new ProcessBuilder(command).redirectError(log).start();
		return new Worker(process,
				new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
				new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
	}

	private void onPostgres(BackendTest test) throws Exception {
		String url = TestServices.postgresUrl();
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(url);
		dataSource.setUsername("postgres");
		dataSource.setMaximumPoolSize(2);
		try (dataSource) {
			JdbcStore store = new JdbcStore(dataSource);
			store.initializeSchema();
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			jdbc.execute("CREATE TABLE IF NOT EXISTS onceonly_crash_effects (effect_key VARCHAR(300), pid BIGINT)");
			test.run(new Backend("postgres", url, store,
					(key) -> jdbc
						.queryForList("SELECT pid FROM onceonly_crash_effects WHERE effect_key = ?", Long.class, key)
						.size()));
		}
	}

	private void onRedis(BackendTest test) throws Exception {
		String url = TestServices.redisUrl();
		URI uri = URI.create(url);
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
		factory.afterPropertiesSet();
		factory.start();
		try {
			StringRedisTemplate redis = new StringRedisTemplate(factory);
			test.run(new Backend("redis", url, new RedisStore(factory),
					(key) -> redis.opsForList().range(CrashWorker.effectsKey(key), 0, -1).size()));
		}
		finally {
			factory.destroy();
		}
	}

	/** A test body on one backend. */
	private interface BackendTest {

		void run(Backend backend) throws Exception;

	}

	/** A shared store, where the workers find it, and how many side effects a key had. */
	private record Backend(String name, String url, OnceOnlyStore store, ToIntFunction<String> effectCount) {

		int effects(String key) {
			return this.effectCount.applyAsInt(key);
		}

	}

	/** A worker JVM with its output and input. */
	private record Worker(Process process, BufferedReader output, Writer input) {

		/** The first output line starting with one of {@code prefixes} (30 s at most). */
		String readUntil(String... prefixes) throws Exception {
			return CompletableFuture.supplyAsync(() -> {
				try {
					String line;
					while ((line = this.output.readLine()) != null) {
						for (String prefix : prefixes) {
							if (line.startsWith(prefix)) {
								return line;
							}
						}
					}
					return "<end of output>";
				}
				catch (java.io.IOException ex) {
					throw new IllegalStateException(ex);
				}
			}).get(30, TimeUnit.SECONDS);
		}

		void send(String line) throws Exception {
			this.input.write(line + "\n");
			this.input.flush();
		}

	}

}
