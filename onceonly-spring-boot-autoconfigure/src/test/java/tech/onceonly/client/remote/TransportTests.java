package tech.onceonly.client.remote;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.OnceOnlyTimeoutException;
import tech.onceonly.client.OnceOnlyTransportException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The transport's own failures and resources, on the JDK {@code HttpClient} here and on
 * Reactor Netty in {@link ReactorNettyTransportTests}: each failure must reach the caller
 * as the same exception, with the same retry and fail-open behaviour, whichever library
 * sends the request; closing a client releases its own connections and threads and
 * nothing it shares.
 */
class TransportTests extends RemoteClientTestSupport {

	@Test
	void answerSlowerThanTheTimeoutIsATimeoutThatIsRetried() {
		sequence(() -> get(urlEqualTo("/v1/me")), json(200, "{\"plan\":\"slow\"}").withFixedDelay(1500),
				json(200, "{\"plan\":\"fast\"}"));
		Map<String, Object> me = client((s) -> s.timeout(Duration.ofMillis(300)).maxRetries(1)).me();
		assertThat(me).containsEntry("plan", "fast");
		assertThat(requests()).hasSize(2);
	}

	@Test
	void answerSlowerThanTheTimeoutWithoutRetriesIsATimeoutException() {
		stub(get(urlEqualTo("/v1/me")).willReturn(json(200, "{}").withFixedDelay(1500)));
		assertThatExceptionOfType(OnceOnlyTimeoutException.class)
			.isThrownBy(() -> client((s) -> s.timeout(Duration.ofMillis(300))).me())
			.withMessageContaining("GET /me")
			.withMessageContaining("300 ms");
	}

	@Test
	void bodyCutOffMidwayIsATransportErrorNotATimeout() {
		stub(get(urlEqualTo("/v1/me")).willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
		assertThatExceptionOfType(OnceOnlyTransportException.class).isThrownBy(() -> client().me())
			.isNotInstanceOf(OnceOnlyTimeoutException.class)
			.withMessageContaining("GET /me");
	}

	@Test
	void bodyCutOffMidwayIsRetried() {
		sequence(() -> get(urlEqualTo("/v1/me")), aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK),
				json(200, "{\"plan\":\"after\"}"));
		assertThat(client((s) -> s.maxRetries(1)).me()).containsEntry("plan", "after");
		assertThat(requests()).hasSize(2);
	}

	@Test
	void checkLockWhoseAnswerIsCutOffMidwayFailsOpen() {
		stub(post(urlEqualTo("/v1/check-lock")).willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));
		CheckLockResult result = client((s) -> s.failOpen(true)).checkLock("k");
		assertThat(result.isDuplicate()).isFalse();
		assertThat(result.raw()).containsEntry("fail_open", true).containsEntry("reason", "request_error");
	}

	@Test
	void checkLockWhoseAnswerIsCutOffMidwayWithFailOpenOffIsATransportError() {
		stub(post(urlEqualTo("/v1/check-lock")).willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));
		assertThatExceptionOfType(OnceOnlyTransportException.class)
			.isThrownBy(() -> client((s) -> s.failOpen(false)).checkLock("k"))
			.isNotInstanceOf(OnceOnlyTimeoutException.class);
	}

	@Test
	void connectionThatCannotBeOpenedInTimeIsATimeoutAndNeverReachedTheServer() throws IOException {
		try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			List<Socket> backlog = fillBacklog(full);
			try {
				RemoteOnceOnly client = client((s) -> s.baseUrl("http://127.0.0.1:" + full.getLocalPort() + "/v1")
					.connectTimeout(Duration.ofMillis(300))
					.timeout(Duration.ofSeconds(5))
					.failOpen(false));
				assertThatExceptionOfType(OnceOnlyTimeoutException.class).isThrownBy(() -> client.checkLock("k"))
					.satisfies((ex) -> assertThat(RemoteHttp.mayHaveBeenSent(ex)).isFalse());
			}
			finally {
				for (Socket socket : backlog) {
					socket.close();
				}
			}
		}
	}

	/**
	 * Connections that are never accepted, until the listen queue is full and the next
	 * connection attempt gets no answer.
	 */
	private static List<Socket> fillBacklog(ServerSocket server) throws IOException {
		List<Socket> sockets = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			Socket socket = new Socket();
			try {
				socket.connect(server.getLocalSocketAddress(), 200);
				sockets.add(socket);
			}
			catch (IOException ex) {
				socket.close();
				break;
			}
		}
		return sockets;
	}

	@Test
	void closeReleasesTheClientsConnectionsAndLeavesNoNonDaemonThread() {
		Set<Thread> before = nonDaemonThreads();
		stub(get(urlEqualTo("/v1/me")).willReturn(json(200, "{\"plan\":\"p\"}")));
		RemoteOnceOnly client = client();
		assertThat(client.me()).containsEntry("plan", "p");
		assertThat(client.isReleased()).isFalse();
		client.close();
		assertThat(client.isReleased()).isTrue();
		Set<Thread> after = nonDaemonThreads();
		after.removeAll(before);
		assertThat(after.stream().filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toList()))
			.as("non-daemon threads left by the client")
			.isEmpty();
	}

	@Test
	void closingOneClientLeavesOtherClientsAndTheApplicationsWebClientsWorking() {
		stub(get(urlEqualTo("/v1/me")).willReturn(json(200, "{\"plan\":\"p\"}")));
		RemoteOnceOnly closed = client();
		RemoteOnceOnly other = client();
		WebClient application = WebClient.builder().baseUrl(baseUrl()).build();
		assertThat(closed.me()).containsEntry("plan", "p");
		assertThat(other.me()).containsEntry("plan", "p");
		assertThat(application.get().uri("/me").retrieve().bodyToMono(String.class).block()).contains("\"p\"");
		closed.close();
		assertThat(other.me()).containsEntry("plan", "p");
		assertThat(application.get().uri("/me").retrieve().bodyToMono(String.class).block()).contains("\"p\"");
	}

	@Test
	void redirectIsNotFollowed() {
		stub(get(urlEqualTo("/v1/me")).willReturn(aResponse().withStatus(302).withHeader("Location", "/v1/elsewhere")));
		stub(get(urlEqualTo("/v1/elsewhere")).willReturn(json(200, "{\"plan\":\"redirected\"}")));
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> client().me());
		assertThat(requests()).hasSize(1);
	}

	@Test
	void requestIsHttp11WithTheKeyOnlyInTheAuthorizationHeader() {
		stub(get(urlEqualTo("/v1/me")).willReturn(json(200, "{}")));
		// a user agent of its own: the server logs a delayed request of an earlier test
		// (its client gone) only when the delay is over, possibly in this test's journal
		String agent = "transport-test-" + UUID.randomUUID();
		client((s) -> s.userAgent(agent)).me();
		List<LoggedRequest> own = requests().stream()
			.filter((logged) -> agent.equals(logged.getHeader("User-Agent")))
			.collect(Collectors.toList());
		assertThat(own).hasSize(1);
		LoggedRequest request = own.get(0);
		assertThat(request.getProtocol()).isEqualTo("HTTP/1.1");
		assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + API_KEY);
		assertThat(request.getAllHeaderKeys()
			.stream()
			.filter((name) -> !name.equalsIgnoreCase("Authorization"))
			.map(request::getHeader)
			.filter((value) -> value != null && value.contains(API_KEY))).isEmpty();
	}

	private static Set<Thread> nonDaemonThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> !thread.isDaemon())
			.collect(Collectors.toSet());
	}

}
