package tech.onceonly.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.remote.RemoteOnceOnly;
import tech.onceonly.client.remote.RemoteOnceOnlySettings;
import tech.onceonly.contract.AbstractGovernedToolContractTests;

/**
 * The {@code @GovernedTool} contract through the remote client against this server on a
 * random port. The method runs in-process; the server's {@code /v1/ext/tool-decisions}
 * extension decides it (kill switch, lists, limits and budget, dedup) and records its
 * outcome, so every case holds as on the local engine.
 */
@ServerTest
class RemoteGovernedToolContractTests extends AbstractGovernedToolContractTests {

	@LocalServerPort
	int port;

	@Override
	protected OnceOnly createClient() {
		return RemoteToServerContractTests.remoteClient(this.port);
	}

	@Override
	protected OnceOnly createUnreachableClient() {
		return new RemoteOnceOnly(RemoteOnceOnlySettings.builder("test-key-contract")
			.baseUrl("http://127.0.0.1:" + closedPort() + "/v1")
			.timeout(Duration.ofSeconds(5))
			.failOpen(false)
			.maxRetries(0)
			.build(), WebClient.builder(), JsonMapper.builder().build(), LeaseEvents.LOGGING);
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
