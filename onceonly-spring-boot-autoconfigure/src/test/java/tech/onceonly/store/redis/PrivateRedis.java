package tech.onceonly.store.redis;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A redis-server of the test's own on a free loopback port, started with the settings the
 * test needs (so tests of unsafe settings never change the shared test Redis).
 */
public final class PrivateRedis implements AutoCloseable {

	private final Process process;

	private final int port;

	private final File dir;

	private PrivateRedis(Process process, int port, File dir) {
		this.process = process;
		this.port = port;
		this.dir = dir;
	}

	/**
	 * Starts {@code redis-server} with {@code settings} (as command-line options, e.g.
	 * {@code "--appendonly", "yes"}) and waits until it accepts connections.
	 */
	public static PrivateRedis start(String... settings) throws IOException, InterruptedException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		File dir = Files.createTempDirectory("onceonly-redis").toFile();
		List<String> command = new ArrayList<>(List.of("redis-server", "--bind", "127.0.0.1", "--port",
				Integer.toString(port), "--dir", dir.getPath(), "--save", "", "--appendonly", "no"));
		command.addAll(List.of(settings));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(new File(dir, "redis.log"))
			.start();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (true) {
			try (Socket socket = new Socket("127.0.0.1", port)) {
				return new PrivateRedis(process, port, dir);
			}
			catch (IOException ex) {
				if (!process.isAlive() || System.nanoTime() > deadline) {
					process.destroyForcibly();
					throw new IllegalStateException(
							"redis-server did not start: " + Files.readString(new File(dir, "redis.log").toPath()), ex);
				}
				Thread.sleep(20);
			}
		}
	}

	/** The port it listens on. */
	public int port() {
		return this.port;
	}

	/** A started connection factory on it. */
	public LettuceConnectionFactory connect() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", this.port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		this.process.waitFor();
		delete(this.dir);
	}

	private static void delete(File file) {
		File[] children = file.listFiles();
		if (children != null) {
			for (File child : children) {
				delete(child);
			}
		}
		file.delete();
	}

}
