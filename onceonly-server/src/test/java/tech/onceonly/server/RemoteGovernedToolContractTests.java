package tech.onceonly.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OutcomeUnknownException;
import tech.onceonly.client.ToolBlockedException;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.remote.RemoteOnceOnly;
import tech.onceonly.client.remote.RemoteOnceOnlySettings;
import tech.onceonly.contract.AbstractGovernedToolContractTests;
import tech.onceonly.store.FaultyStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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

	@Autowired
	FaultyStore faults;

	/**
	 * The method ran but the server could not record its outcome: the caller gets an
	 * {@link OutcomeUnknownException} (as on the local engine), the method is not run
	 * again by this call, and the spend reserved for it stays charged.
	 */
	@Test
	void outcomeThatCannotBeRecordedShouldBeUnknownAndKeepTheSpend() {
		this.client.gov().upsertPolicy(this.agent, Map.of("max_spend_usd_per_day", 10));
		FaultyStore.Rule rule = this.faults.on(FaultyStore.Op.COMPLETE_LEASE).times(1).failBefore();
		try {
			assertThatExceptionOfType(OutcomeUnknownException.class)
				.isThrownBy(() -> governedCharge("c_1", new BigDecimal("6")));
		}
		finally {
			rule.remove();
		}
		assertThatExceptionOfType(ToolBlockedException.class)
			.isThrownBy(() -> governedCharge("c_2", new BigDecimal("6")))
			.satisfies((ex) -> assertThat(ex.getPolicyReason()).isEqualTo("max_spend_usd_per_day_exceeded"));
	}

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
