package tech.onceonly.client.remote;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.AiStatus;
import tech.onceonly.client.ValidationException;
import tech.onceonly.client.WaitOptions;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The remote client's side of the wire-fidelity rules (issue 17): the server's
 * {@code lease_state} on a free key, and ttls the Java API refuses before sending.
 */
class RemoteWireFidelityTests extends RemoteClientTestSupport {

	private static final String RELEASED = "{\"ok\":false,\"status\":\"failed\",\"key\":\"k\",\"error_code\":"
			+ "\"lease_released\",\"lease_state\":\"released\",\"ttl_left\":0,\"retry_after_sec\":null}";

	@Test
	void statusShouldReportTheLeaseStateOfAFreeKey() {
		stub(get(urlPathEqualTo("/v1/ai/status")).willReturn(json(200, RELEASED)));
		AiStatus status = client().ai().status("k");
		assertThat(status.status()).isEqualTo("released");
		assertThat(status.isTerminal()).isFalse();
		assertThat(status.raw()).containsEntry("error_code", "lease_released");
	}

	@Test
	void waitForShouldStopOnAFreeKeyWithTheServersResult() {
		stub(get(urlPathEqualTo("/v1/ai/status")).willReturn(json(200, RELEASED)));
		stub(get(urlPathEqualTo("/v1/ai/result")).willReturn(json(200,
				"{\"ok\":false,\"status\":\"failed\",\"key\":\"k\",\"error_code\":\"lease_released\",\"result\":null}")));
		AiResult result = client().ai()
			.waitFor("k",
					WaitOptions.defaults()
						.withTimeout(Duration.ofSeconds(30))
						.withPoll(Duration.ofMillis(1), Duration.ofMillis(5)));
		assertThat(result.status()).isEqualTo("failed");
		assertThat(result.errorCode()).isEqualTo("lease_released");
	}

	@Test
	void ttlUnderOneSecondShouldBeRefusedBeforeSending() {
		assertThatExceptionOfType(ValidationException.class)
			.isThrownBy(() -> client().checkLock("k", Duration.ZERO, Map.of(), null))
			.withMessageContaining("ttl must be at least 1 second");
		assertThatExceptionOfType(ValidationException.class)
			.isThrownBy(() -> client().ai().lease("k", Duration.ofMillis(500), null));
		assertThat(requests()).isEmpty();
	}

}
