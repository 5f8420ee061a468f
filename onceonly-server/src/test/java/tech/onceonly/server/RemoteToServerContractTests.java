package tech.onceonly.server;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.remote.RemoteHttpClient;
import tech.onceonly.client.remote.RemoteOnceOnly;
import tech.onceonly.client.remote.RemoteOnceOnlySettings;
import tech.onceonly.contract.AbstractFaultContractTests;
import tech.onceonly.store.FaultyStore;
import tech.onceonly.store.memory.MutableClock;

/**
 * The backend contract through the remote client against this server on a random port:
 * the same behaviour as the local engine, over HTTP, also under faults of the server's
 * store (which reach the client as 5xx answers). Time moves on the server's store clock.
 * The client runs on Reactor Netty (what {@code auto} picks on this classpath);
 * {@link RemoteToServerContractOnJdkClientTests} reruns it on the JDK {@code HttpClient}.
 */
@ServerTest
class RemoteToServerContractTests extends AbstractFaultContractTests {

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	@Autowired
	FaultyStore faults;

	@Override
	protected OnceOnly createClient() {
		return remoteClient(this.port, this.leaseEvents);
	}

	/**
	 * The remote client of the test tenant {@code contract} on a server at {@code port},
	 * without retries.
	 */
	static RemoteOnceOnly remoteClient(int port) {
		return remoteClient(port, LeaseEvents.LOGGING);
	}

	/**
	 * The remote client of the test tenant {@code contract} on a server at {@code port},
	 * without retries, reporting lease events to {@code events}.
	 */
	static RemoteOnceOnly remoteClient(int port, LeaseEvents events) {
		return remoteClient(port, events, RemoteHttpClient.AUTO);
	}

	/**
	 * The remote client of the test tenant {@code contract} on a server at {@code port},
	 * without retries, on the given HTTP client library ({@code AUTO} is Reactor Netty on
	 * this classpath).
	 */
	static RemoteOnceOnly remoteClient(int port, LeaseEvents events, RemoteHttpClient httpClient) {
		return new RemoteOnceOnly(RemoteOnceOnlySettings.builder("test-key-contract")
			.baseUrl("http://localhost:" + port + "/v1")
			.timeout(Duration.ofSeconds(30))
			.failOpen(false)
			.maxRetries(0)
			.httpClient(httpClient)
			.build(), WebClient.builder(), JsonMapper.builder().build(), events);
	}

	@Override
	protected FaultyStore faults() {
		return this.faults;
	}

	@Override
	protected void advanceTime(Duration duration) {
		this.clock.advance(duration);
	}

}
