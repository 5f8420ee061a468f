package tech.onceonly.sample;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's streaming endpoint over real HTTP streams: the first line reaches the
 * client while the handler is still held before the second (no timing involved: the
 * test's pacer holds the handler until the test has read the line), with and without an
 * {@code Idempotency-Key} header, which OnceOnly leaves alone on an unguarded endpoint.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StreamingEndpointTests {

	@LocalServerPort
	private int port;

	@Autowired
	private HeldPacer pacer;

	private final HttpClient http = HttpClient.newHttpClient();

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void eachLineShouldReachTheClientBeforeTheNextIsWritten(boolean withIdempotencyKey) throws Exception {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.port + "/stream/ticks?count=3&interval-ms=0"));
		if (withIdempotencyKey) {
			request.header("Idempotency-Key", "\"" + UUID.randomUUID() + "\"");
		}
		HttpResponse<InputStream> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
		assertThat(response.headers().firstValue("Idempotent-Replayed")).isEmpty();
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
			for (int tick = 1; tick <= 3; tick++) {
				// line `tick` must arrive while the handler cannot write the next one: it
				// is
				// released only after the line was read
				String line = CompletableFuture.supplyAsync(() -> readLine(lines)).get(10, TimeUnit.SECONDS);
				assertThat(line).isEqualTo("{\"tick\":" + tick + ",\"of\":3}");
				if (tick < 3) {
					assertThat(this.pacer.waiting.tryAcquire(10, TimeUnit.SECONDS))
						.as("the handler waits before line %d", tick + 1)
						.isTrue();
					this.pacer.permits.release();
				}
			}
			assertThat(lines.readLine()).as("end of the stream").isNull();
		}
		finally {
			this.pacer.reset();
		}
	}

	@Test
	void outOfRangeParametersShouldBeRefusedSayingWhatIsAllowed() throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/stream/ticks?count=0")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("count must be 1..100").contains("got count=0");
	}

	private static String readLine(BufferedReader lines) {
		try {
			return lines.readLine();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Pacing {

		@Bean
		HeldPacer heldPacer() {
			return new HeldPacer();
		}

	}

	/** Holds the handler before each next line until the test releases it. */
	static class HeldPacer implements StreamingController.Pacer {

		final Semaphore waiting = new Semaphore(0);

		final Semaphore permits = new Semaphore(0);

		@Override
		public void pause(int tick, java.time.Duration interval) {
			this.waiting.release();
			try {
				this.permits.tryAcquire(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		void reset() {
			this.waiting.drainPermits();
			this.permits.drainPermits();
		}

	}

}
