package tech.onceonly.client.remote;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.netty.http.client.PrematureCloseException;

import tech.onceonly.client.OnceOnlyTimeoutException;
import tech.onceonly.client.OnceOnlyTransportException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each transport failure of Reactor Netty is classified as its JDK counterpart: a timeout
 * or not, and sent or possibly sent (which decides whether a later answer is marked
 * uncertain). The failures arrive wrapped as WebClient wraps them.
 */
class TransportErrorClassificationTests {

	private static OnceOnlyTransportException classify(Throwable cause) {
		return RemoteHttp.transportError(HttpMethod.POST, "/check-lock?x=1", Duration.ofMillis(250), wrapped(cause));
	}

	private static Throwable wrapped(Throwable cause) {
		return new WebClientRequestException(cause, HttpMethod.POST, URI.create("http://127.0.0.1/v1/check-lock"),
				new HttpHeaders());
	}

	@Test
	void responseTimeoutIsATimeoutThatMayHaveBeenSentOnBothTransports() {
		for (Throwable cause : new Throwable[] { ReadTimeoutException.INSTANCE,
				new HttpTimeoutException("request timed out"), new TimeoutException("Did not observe any item") }) {
			assertThat(classify(cause)).as(cause.getClass().getName())
				.isInstanceOf(OnceOnlyTimeoutException.class)
				.hasMessage("OnceOnly API did not answer POST /check-lock within 250 ms");
			assertThat(RemoteHttp.mayHaveBeenSent(wrapped(cause))).as(cause.getClass().getName()).isTrue();
		}
	}

	@Test
	void connectTimeoutIsATimeoutThatWasNeverSentOnBothTransports() {
		for (Throwable cause : new Throwable[] {
				new ConnectTimeoutException("connection timed out after 300 ms: /127.0.0.1:9"),
				new HttpConnectTimeoutException("HTTP connect timed out") }) {
			assertThat(classify(cause)).as(cause.getClass().getName()).isInstanceOf(OnceOnlyTimeoutException.class);
			assertThat(RemoteHttp.mayHaveBeenSent(wrapped(cause))).as(cause.getClass().getName()).isFalse();
		}
	}

	@Test
	void refusedConnectionIsATransportErrorThatWasNeverSent() {
		Throwable refused = new ConnectException("Connection refused: /127.0.0.1:9");
		assertThat(classify(refused)).isNotInstanceOf(OnceOnlyTimeoutException.class)
			.hasMessage(
					"OnceOnly API request POST /check-lock failed: ConnectException: Connection refused: /127.0.0.1:9");
		assertThat(RemoteHttp.mayHaveBeenSent(wrapped(refused))).isFalse();
	}

	@Test
	void connectionClosedBeforeOrDuringTheAnswerIsATransportErrorThatMayHaveBeenSent() {
		for (Throwable cause : new Throwable[] { PrematureCloseException.TEST_EXCEPTION,
				new IOException("Connection reset by peer") }) {
			assertThat(classify(cause)).as(cause.getClass().getName())
				.isNotInstanceOf(OnceOnlyTimeoutException.class)
				.hasMessageStartingWith("OnceOnly API request POST /check-lock failed: ");
			assertThat(RemoteHttp.mayHaveBeenSent(wrapped(cause))).as(cause.getClass().getName()).isTrue();
		}
	}

}
