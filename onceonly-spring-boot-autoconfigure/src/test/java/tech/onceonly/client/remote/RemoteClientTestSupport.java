package tech.onceonly.client.remote;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * A WireMock server per test class and remote clients with tiny timeouts and backoffs,
 * closed after each test, on the HTTP client library of {@link #httpClient()}.
 */
abstract class RemoteClientTestSupport {

	static final String API_KEY = "once_live_S3CR3T_do_not_log_4242";

	static final JsonMapper JSON = JsonMapper.builder().build();

	static WireMockServer server;

	private final List<RemoteOnceOnly> clients = new ArrayList<>();

	@BeforeAll
	static void startServer() {
		server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
		server.start();
		warmUp();
	}

	/**
	 * One request before the tests, so a cold server on a busy machine does not time out
	 * a test's first call.
	 */
	private static void warmUp() {
		try (RemoteOnceOnly client = new RemoteOnceOnly(settings().timeout(Duration.ofSeconds(30)).build(),
				WebClient.builder(), JSON)) {
			client.usageAll();
		}
		catch (RuntimeException ex) {
			// the warm-up answer (404 from an empty server) does not matter
		}
	}

	@AfterAll
	static void stopServer() {
		server.stop();
	}

	@BeforeEach
	void resetServer() {
		server.resetAll();
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(RemoteOnceOnly::close);
		this.clients.clear();
	}

	static String baseUrl() {
		return "http://127.0.0.1:" + server.port() + "/v1";
	}

	/**
	 * Settings as in the SDK suites (no retries, fail-open on) with small timeouts and
	 * backoffs.
	 */
	static RemoteOnceOnlySettings.Builder settings() {
		return RemoteOnceOnlySettings.builder(API_KEY)
			.baseUrl(baseUrl())
			.timeout(Duration.ofSeconds(5))
			.connectTimeout(Duration.ofSeconds(2))
			.maxRetries(0)
			.retryBackoff(Duration.ofMillis(1))
			.retryMaxBackoff(Duration.ofMillis(5))
			.retryAfterCap(Duration.ofMillis(50))
			.jitter(0);
	}

	RemoteOnceOnly client() {
		return client(UnaryOperator.identity());
	}

	RemoteOnceOnly client(UnaryOperator<RemoteOnceOnlySettings.Builder> customizer) {
		return client(customizer.apply(settings()).build(), null);
	}

	RemoteOnceOnly client(RemoteOnceOnlySettings settings, DoubleSupplier jitter) {
		RemoteOnceOnly client = new RemoteOnceOnly(settings.toBuilder().httpClient(httpClient()).build(),
				WebClient.builder(), JSON, jitter);
		if (client.httpClient() != httpClient()) {
			throw new AssertionError("the client runs on " + client.httpClient() + ", not " + httpClient());
		}
		this.clients.add(client);
		return client;
	}

	/**
	 * The HTTP client library the tests of this class run on: the JDK's; each suite is
	 * rerun on Reactor Netty by a {@code ReactorNetty*Tests} subclass.
	 */
	RemoteHttpClient httpClient() {
		return RemoteHttpClient.JDK;
	}

	static void stub(MappingBuilder mapping) {
		server.stubFor(mapping);
	}

	/** Answers the same request with each response in turn; the last one repeats. */
	static void sequence(Supplier<MappingBuilder> request, ResponseDefinitionBuilder... responses) {
		String scenario = UUID.randomUUID().toString();
		for (int i = 0; i < responses.length; i++) {
			ScenarioMappingBuilder mapping = request.get()
				.inScenario(scenario)
				.whenScenarioStateIs((i == 0) ? Scenario.STARTED : "step" + i);
			if (i < responses.length - 1) {
				mapping = mapping.willSetStateTo("step" + (i + 1));
			}
			server.stubFor(mapping.willReturn(responses[i]));
		}
	}

	static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

	/** Every request the server received, oldest first. */
	static List<LoggedRequest> requests() {
		List<LoggedRequest> requests = new ArrayList<>(server.findAll(anyRequestedFor(anyUrl())));
		requests.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
		return requests;
	}

	static LoggedRequest onlyRequest() {
		List<LoggedRequest> requests = requests();
		if (requests.size() != 1) {
			throw new AssertionError("expected one request, got " + requests.size() + ": " + requests);
		}
		return requests.get(0);
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> body(LoggedRequest request) {
		return JSON.readValue(request.getBodyAsString(), Map.class);
	}

	/** A port nobody listens on. */
	static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
