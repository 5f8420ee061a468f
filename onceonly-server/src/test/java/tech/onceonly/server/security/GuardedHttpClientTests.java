package tech.onceonly.server.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tool HTTP client checks each URL right before sending and never follows redirects.
 */
class GuardedHttpClientTests {

	private HttpServer server;

	private final AtomicInteger hits = new AtomicInteger();

	@BeforeEach
	void startServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/tool", (exchange) -> {
			this.hits.incrementAndGet();
			byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.server.createContext("/redirect", (exchange) -> {
			this.hits.incrementAndGet();
			exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data");
			exchange.sendResponseHeaders(302, -1);
			exchange.close();
		});
		this.server.start();
	}

	@AfterEach
	void stopServer() {
		this.server.stop(0);
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + path);
	}

	private static HttpRequest post(URI uri) {
		return HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
	}

	@Test
	void refusedUrlsShouldNeverBeSent() {
		GuardedHttpClient client = GuardedHttpClient.create(ToolUrlGuard.withSystemResolver(List.of()),
				Duration.ofSeconds(2));
		assertThatThrownBy(() -> client.send(post(uri("/tool")), HttpResponse.BodyHandlers.ofString()))
			.isInstanceOf(IOException.class)
			.hasMessageContaining("loopback");
		assertThatThrownBy(() -> client.sendAsync(post(uri("/tool")), HttpResponse.BodyHandlers.ofString()).get())
			.isInstanceOf(ExecutionException.class)
			.hasCauseInstanceOf(IOException.class);
		assertThat(this.hits).hasValue(0);
	}

	@Test
	void allowedUrlsShouldBeSentAndRedirectsNotFollowed() throws Exception {
		GuardedHttpClient client = GuardedHttpClient.create(ToolUrlGuard.withSystemResolver(List.of("127.0.0.1")),
				Duration.ofSeconds(2));
		assertThat(client.send(post(uri("/tool")), HttpResponse.BodyHandlers.ofString()).body()).contains("ok");
		HttpResponse<String> redirect = client.send(post(uri("/redirect")), HttpResponse.BodyHandlers.ofString());
		assertThat(redirect.statusCode()).isEqualTo(302);
		assertThat(this.hits).hasValue(2);
	}

	@Test
	void aDelegateFollowingRedirectsShouldBeRejected() {
		HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
		assertThatThrownBy(() -> new GuardedHttpClient(following, ToolUrlGuard.withSystemResolver(List.of())))
			.isInstanceOf(IllegalArgumentException.class);
	}

}
