package tech.onceonly.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.netty.buffer.Unpooled;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.remote.RemoteOnceOnly;
import tech.onceonly.client.remote.RemoteOnceOnlySettings;

/**
 * The remote client's check-lock against a raw {@link WebClient} call of the same shape
 * (POST JSON with a bearer token, the answer decoded into a map), both against one local
 * stub server (a reactor-netty {@link HttpServer} on 127.0.0.1 answering every request
 * with a fixed {@code locked} body). Usage:
 * {@code java -cp benchmarks.jar tech.onceonly.benchmarks.RemoteLoad --threads=1,4 --seconds=8 --warmup=3}.
 */
public final class RemoteLoad {

	private static final byte[] ANSWER = "{\"success\":true,\"status\":\"locked\",\"key\":\"k\",\"ttl\":60,\"first_seen_at\":null}"
		.getBytes(StandardCharsets.UTF_8);

	private RemoteLoad() {
	}

	public static void main(String[] args) throws Exception {
		long seconds = LoadDriver.option(args, "seconds", 8);
		long warmup = LoadDriver.option(args, "warmup", 3);
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
		RemoteOnceOnly client = new RemoteOnceOnly(RemoteOnceOnlySettings.builder("bench-key").baseUrl(base).build(),
				WebClient.builder(), tools.jackson.databind.json.JsonMapper.builder().build());
		WebClient raw = WebClient.builder().baseUrl(base).build();
		try {
			// both paths JIT-compiled before either is measured, so the first measured is
			// not disadvantaged
			LoadDriver.run("warm raw", 2, warmup * 1000, 1, rawCall(raw));
			LoadDriver.run("warm remote", 2, warmup * 1000, 1, remoteCall(client));
			for (int threads : threadCounts) {
				LoadDriver.Result rawResult = LoadDriver.run("raw WebClient POST /check-lock", threads, warmup * 1000,
						seconds * 1000, rawCall(raw));
				System.out.println("RESULT " + rawResult.line());
				LoadDriver.Result remote = LoadDriver.run("RemoteOnceOnly.checkLock", threads, warmup * 1000,
						seconds * 1000, remoteCall(client));
				System.out.println("RESULT " + remote.line());
				System.out.println(LoadDriver.ratio("remote client vs raw WebClient", remote, rawResult, 1));
			}
		}
		finally {
			client.close();
			server.disposeNow();
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

}
