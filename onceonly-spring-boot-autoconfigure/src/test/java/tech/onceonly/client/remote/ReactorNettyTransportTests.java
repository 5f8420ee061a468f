package tech.onceonly.client.remote;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link TransportTests} on Reactor Netty, and the life of its pooled connections: an
 * idle connection is closed by the client after the max idle time, and closing the client
 * closes its connections. Netty's pool runs on its own timers, so these wait (bounded)
 * for the server to see the connection close rather than move a clock.
 */
class ReactorNettyTransportTests extends TransportTests {

	private static final byte[] ME = "{\"plan\":\"p\"}".getBytes(StandardCharsets.UTF_8);

	@Override
	RemoteHttpClient httpClient() {
		return RemoteHttpClient.REACTOR_NETTY;
	}

	@Test
	void idleConnectionIsClosedByTheClientAfterTheMaxIdleTimeAndANewOneOpened() {
		AtomicInteger opened = new AtomicInteger();
		AtomicInteger closed = new AtomicInteger();
		DisposableServer server = countingServer(opened, closed);
		try {
			RemoteOnceOnly client = client(
					(s) -> s.baseUrl("http://127.0.0.1:" + server.port() + "/v1").maxIdleTime(Duration.ofMillis(200)));
			assertThat(client.me()).containsEntry("plan", "p");
			assertThat(client.me()).containsEntry("plan", "p");
			int before = opened.get();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(closed).hasValue(before));
			assertThat(client.me()).containsEntry("plan", "p");
			assertThat(opened).as("a new connection after the idle ones were closed").hasValue(before + 1);
		}
		finally {
			server.disposeNow();
		}
	}

	@Test
	void closingTheClientClosesItsPooledConnections() {
		AtomicInteger opened = new AtomicInteger();
		AtomicInteger closed = new AtomicInteger();
		DisposableServer server = countingServer(opened, closed);
		try {
			RemoteOnceOnly client = client((s) -> s.baseUrl("http://127.0.0.1:" + server.port() + "/v1"));
			assertThat(client.me()).containsEntry("plan", "p");
			assertThat(closed).as("pooled, not closed after the call").hasValue(0);
			client.close();
			assertThat(client.isReleased()).isTrue();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(closed).hasValue(1));
		}
		finally {
			server.disposeNow();
		}
	}

	/** A server answering every request, counting the connections opened and closed. */
	private static DisposableServer countingServer(AtomicInteger opened, AtomicInteger closed) {
		return HttpServer.create().host("127.0.0.1").port(0).doOnConnection((connection) -> {
			opened.incrementAndGet();
			connection.onDispose(closed::incrementAndGet);
		})
			.handle((request, response) -> request.receive()
				.then(response.header("Content-Type", "application/json")
					.header("Content-Length", Integer.toString(ME.length))
					.send(Mono.just(Unpooled.wrappedBuffer(ME)))
					.then()))
			.bindNow();
	}

}
