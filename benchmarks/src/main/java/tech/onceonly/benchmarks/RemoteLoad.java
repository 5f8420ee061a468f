package tech.onceonly.benchmarks;

import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.Unpooled;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.remote.RemoteHttpClient;
import tech.onceonly.client.remote.RemoteOnceOnly;
import tech.onceonly.client.remote.RemoteOnceOnlySettings;

/**
 * The remote client's check-lock against raw {@link WebClient} calls of the same shape
 * (POST JSON with a bearer token, the answer decoded into a map), all against one local
 * stub server (a reactor-netty {@link HttpServer} on 127.0.0.1 answering every request
 * with a fixed {@code locked} body). Two pairs: {@code WebClient.builder()} as it is
 * (Reactor Netty, since it is on this classpath) against the remote client as an
 * application with Reactor Netty gets it ({@code onceonly.remote.http-client=auto}, so
 * Reactor Netty), and a {@code WebClient} on the JDK {@link HttpClient} connector against
 * the remote client on the JDK transport (applications without Reactor Netty). Each ratio
 * compares the client with a raw call on the same transport.
 * <p>
 * The phases of one thread count run in interleaved rounds after a warm-up of each, so
 * drift and background load hit them alike. Besides throughput and latency, each phase
 * reports the process CPU time and the bytes allocated (all threads: callers, HTTP and
 * event-loop threads, and the stub) per call, which a loaded machine distorts much less
 * than throughput. Usage:
 * {@code java -cp benchmarks.jar tech.onceonly.benchmarks.RemoteLoad --threads=1,4 --seconds=8 --warmup=3 --rounds=2}.
 */
public final class RemoteLoad {

	private static final byte[] ANSWER = "{\"success\":true,\"status\":\"locked\",\"key\":\"k\",\"ttl\":60,\"first_seen_at\":null}"
		.getBytes(StandardCharsets.UTF_8);

	private static final String RAW_NETTY = "raw WebClient POST /check-lock";

	private static final String RAW_JDK = "raw WebClient (JDK HttpClient) POST";

	private static final String REMOTE = "RemoteOnceOnly.checkLock";

	private static final String REMOTE_JDK = "RemoteOnceOnly.checkLock (JDK HttpClient)";

	private RemoteLoad() {
	}

	public static void main(String[] args) throws Exception {
		long seconds = LoadDriver.option(args, "seconds", 8);
		long warmup = LoadDriver.option(args, "warmup", 3);
		int rounds = Math.max(1, LoadDriver.option(args, "rounds", 2));
		List<Integer> threadCounts = new ArrayList<>();
		for (String t : LoadDriver.stringOption(args, "threads", "1,4").split(",")) {
			threadCounts.add(Integer.parseInt(t.trim()));
		}
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> request.receive()
				.then(response.header("Content-Type", "application/json")
					.header("Content-Length", Integer.toString(ANSWER.length))
					.send(Mono.just(Unpooled.wrappedBuffer(ANSWER)))
					.then()))
			.bindNow();
		String base = "http://127.0.0.1:" + server.port() + "/v1";
		// the client as an application with Reactor Netty gets it (http-client auto), and
		// the same client on the JDK HttpClient (applications without Reactor Netty)
		RemoteOnceOnly client = new RemoteOnceOnly(RemoteOnceOnlySettings.builder("bench-key").baseUrl(base).build(),
				WebClient.builder(), tools.jackson.databind.json.JsonMapper.builder().build());
		if (client.httpClient() != RemoteHttpClient.REACTOR_NETTY) {
			throw new IllegalStateException(
					"the remote client should run on Reactor Netty here, not " + client.httpClient());
		}
		RemoteOnceOnly jdkClient = new RemoteOnceOnly(
				RemoteOnceOnlySettings.builder("bench-key").baseUrl(base).httpClient(RemoteHttpClient.JDK).build(),
				WebClient.builder(), tools.jackson.databind.json.JsonMapper.builder().build());
		WebClient rawNetty = WebClient.builder().baseUrl(base).build();
		WebClient rawJdk = WebClient.builder()
			.baseUrl(base)
			.clientConnector(
					new JdkClientHttpConnector(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()))
			.build();
		List<Phase> phases = List.of(new Phase(RAW_NETTY, rawCall(rawNetty)), new Phase(REMOTE, remoteCall(client)),
				new Phase(RAW_JDK, rawCall(rawJdk)), new Phase(REMOTE_JDK, remoteCall(jdkClient)));
		boolean failed = false;
		try {
			// every path JIT-compiled before any is measured, so the first measured is
			// not
			// disadvantaged
			for (Phase phase : phases) {
				LoadDriver.run("warm " + phase.name, 2, warmup * 1000, 1, phase.operation);
			}
			long slice = Math.max(1, seconds * 1000 / rounds);
			for (int threads : threadCounts) {
				for (Phase phase : phases) {
					phase.runs.clear();
					phase.cost = new Cost();
					LoadDriver.run("warm " + phase.name, threads, warmup * 1000, 1, phase.operation);
				}
				for (int round = 0; round < rounds; round++) {
					for (Phase phase : phases) {
						Cost.Mark start = Cost.mark();
						LoadDriver.Result result = LoadDriver.run(phase.name, threads, 0, slice, phase.operation);
						phase.cost.add(start, result);
						phase.runs.add(result);
					}
				}
				for (Phase phase : phases) {
					System.out.println("RESULT " + LoadDriver.Result.merge(phase.runs).line());
				}
				for (Phase phase : phases) {
					System.out.println(phase.cost.line(phase.name, threads));
				}
				for (Phase phase : phases) {
					failed |= phase.reportFailures(threads);
				}
				System.out.println(LoadDriver.ratio("remote client vs raw WebClient",
						LoadDriver.Result.merge(phases.get(1).runs), LoadDriver.Result.merge(phases.get(0).runs), 1));
				System.out.println(LoadDriver.ratio("remote client vs raw WebClient, same JDK transport",
						LoadDriver.Result.merge(phases.get(3).runs), LoadDriver.Result.merge(phases.get(2).runs), 1));
			}
		}
		finally {
			System.out.flush();
			client.close();
			jdkClient.close();
			server.disposeNow();
		}
		if (failed) {
			System.exit(1);
		}
	}

	private static LoadDriver.Operation rawCall(WebClient raw) {
		return (thread, sequence) -> {
			Map<?, ?> answer = raw.post()
				.uri("/check-lock")
				.header(HttpHeaders.AUTHORIZATION, "Bearer bench-key")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("key", "k-" + thread + "-" + sequence, "ttl", 60))
				.retrieve()
				.bodyToMono(Map.class)
				.block();
			if (answer == null || !"locked".equals(answer.get("status"))) {
				throw new IllegalStateException("unexpected answer " + answer);
			}
		};
	}

	private static LoadDriver.Operation remoteCall(RemoteOnceOnly client) {
		return (thread, sequence) -> {
			CheckLockResult result = client.checkLock("k-" + thread + "-" + sequence, Duration.ofSeconds(60));
			if (result.isDuplicate()) {
				throw new IllegalStateException("unexpected answer " + result);
			}
		};
	}

	/** One measured path: its operation and its runs of the current thread count. */
	private static final class Phase {

		private final String name;

		private final LoadDriver.Operation operation;

		private final List<LoadDriver.Result> runs = new ArrayList<>();

		private Cost cost = new Cost();

		/** Calls that failed in this thread count's runs; reset with the runs. */
		private final AtomicLong failures = new AtomicLong();

		private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

		/**
		 * A phase whose failed calls are counted rather than ending the whole part: one
		 * transient socket error under a loaded machine used to discard every row (the
		 * part's rc=1); each failure is still reported, as a {@code CHECK FAILED} line.
		 */
		Phase(String name, LoadDriver.Operation operation) {
			this.name = name;
			this.operation = (thread, sequence) -> {
				try {
					operation.call(thread, sequence);
				}
				catch (Exception ex) {
					this.failures.incrementAndGet();
					this.firstFailure.compareAndSet(null, ex);
				}
			};
		}

		/**
		 * Prints a {@code CHECK FAILED} line when calls failed in this thread count's
		 * measured or warm-up runs, and resets the count.
		 * @return whether more than 1% of the measured calls failed (the numbers are then
		 * not the client's)
		 */
		boolean reportFailures(int threads) {
			long failed = this.failures.getAndSet(0);
			Throwable first = this.firstFailure.getAndSet(null);
			if (failed == 0) {
				return false;
			}
			long calls = LoadDriver.Result.merge(this.runs).calls();
			System.out.println("CHECK FAILED remote " + this.name + " threads=" + threads + ": " + failed
					+ " failed calls (" + calls + " measured), first: " + first);
			if (first != null) {
				first.printStackTrace();
			}
			return failed * 100 > calls;
		}

	}

	/**
	 * Process CPU time and bytes allocated by all live threads over measured runs, per
	 * call. Threads that end during a run lose their allocation count (the HTTP, event
	 * loop and scheduler threads here live for the whole run).
	 */
	private static final class Cost {

		private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
			.getThreadMXBean();

		private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean();

		private long cpuNanos;

		private long allocatedBytes;

		private long calls;

		record Mark(long cpuNanos, long allocatedBytes) {

		}

		static Mark mark() {
			return new Mark(OS.getProcessCpuTime(), allocated());
		}

		private static long allocated() {
			long total = 0;
			for (long bytes : THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())) {
				total += Math.max(0, bytes);
			}
			return total;
		}

		/**
		 * Adds a run that started at {@code start}: the live threads' allocation since
		 * then plus the load threads' own (they have ended, so the live count misses
		 * them).
		 */
		void add(Mark start, LoadDriver.Result run) {
			this.cpuNanos += OS.getProcessCpuTime() - start.cpuNanos();
			this.allocatedBytes += allocated() - start.allocatedBytes() + Math.max(0, run.workerAllocatedBytes());
			this.calls += run.calls();
		}

		String line(String name, int threads) {
			// the load threads' latency arrays (8 bytes per call, grown by doubling) are
			// counted too: at most ~16 bytes per call, the same for every phase
			double calls = Math.max(1, this.calls);
			return String.format(Locale.ROOT,
					"COST %-34s threads=%-2d cpu_us_per_call=%.1f alloc_bytes_per_call=%.0f " + "load=%.2f", name,
					threads, this.cpuNanos / 1000.0 / calls, this.allocatedBytes / calls, OS.getSystemLoadAverage());
		}

	}

}
