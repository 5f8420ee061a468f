package tech.onceonly.store;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
 * Two JVMs share a store; the first is killed with SIGKILL inside lease-protected work,
 * the second takes the work over once the dead holder's lease expired (a two second
 * lease: real processes, real time) and completes it. The side effect happens exactly
 * once and the dead holder's lease id can no longer complete.
 */
class CrashRecoveryTests {

	@TempDir
	File logs;

	@Test
	void postgresWorkOfAKilledJvmShouldBeTakenOverAndDoneOnce() throws Exception {
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
			String key = "crash:" + UUID.randomUUID();
			crashAndTakeOver(store, "postgres", url, key);
			assertThat(
					jdbc.queryForList("SELECT pid FROM onceonly_crash_effects WHERE effect_key = ?", Long.class, key))
				.hasSize(1);
		}
	}

	@Test
	void redisWorkOfAKilledJvmShouldBeTakenOverAndDoneOnce() throws Exception {
		String url = TestServices.redisUrl();
		java.net.URI uri = java.net.URI.create(url);
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
		factory.afterPropertiesSet();
		factory.start();
		try {
			String key = "crash:" + UUID.randomUUID();
			crashAndTakeOver(new RedisStore(factory), "redis", url, key);
			assertThat(new StringRedisTemplate(factory).opsForList().range(CrashWorker.effectsKey(key), 0, -1))
				.hasSize(1);
		}
		finally {
			factory.destroy();
		}
	}

	private void crashAndTakeOver(OnceOnlyStore store, String backend, String url, String key) throws Exception {
		Process first = start(backend, url, key, "hang");
		String staleLeaseId;
		try {
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
			String line = CompletableFuture.supplyAsync(() -> readUntil(reader, "IN_WORK ")).get(30, TimeUnit.SECONDS);
			assertThat(line).as("first worker output; see %s", this.logs).startsWith("IN_WORK ");
			staleLeaseId = line.substring("IN_WORK ".length()).trim();
		}
		finally {
			first.destroyForcibly();
		}
		assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(137);
		assertThat(store.getLease(key).leaseId()).isEqualTo(staleLeaseId);

		Process second = start(backend, url, key, "finish");
		String output = CompletableFuture
			.supplyAsync(() -> readUntil(
					new BufferedReader(new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8)),
					"DONE "))
			.get(40, TimeUnit.SECONDS);
		assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(output).isEqualTo("DONE completed");
		assertThat(second.exitValue()).isZero();

		LeaseRecord record = store.getLease(key);
		assertThat(record.state()).isEqualTo(LeaseState.COMPLETED);
		assertThat(record.version()).isEqualTo(2);
		assertThat(record.resultJson()).contains(Long.toString(second.pid()));
		assertThat(store.completeLease(key, staleLeaseId, "{\"by\":\"stale\"}", null, java.time.Duration.ofDays(1)))
			.isNull();
		assertThat(store.getLease(key).resultJson()).contains(Long.toString(second.pid()));
	}

	private Process start(String backend, String url, String key, String mode) throws Exception {
		String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		List<String> command = new ArrayList<>(
				List.of(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"),
						"-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classpath, CrashWorker.class.getName(),
						backend, url, key, mode));
		File log = new File(this.logs, mode + ".err");
		Files.createDirectories(this.logs.toPath());
		return new ProcessBuilder(command).redirectError(log).start();
	}

	private static String readUntil(BufferedReader reader, String prefix) {
		try {
			String line;
			while ((line = reader.readLine()) != null) {
				if (line.startsWith(prefix)) {
					return line;
				}
			}
			return "<end of output>";
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
