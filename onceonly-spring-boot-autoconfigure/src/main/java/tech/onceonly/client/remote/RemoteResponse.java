package tech.onceonly.client.remote;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * One HTTP answer of the API, read completely.
 *
 * @param status the HTTP status code
 * @param headers the answer's headers
 * @param body the answer's body (empty when there was none)
 * @param uncertainAttempt the failure of an earlier attempt of the same call that may
 * have reached the server (a timeout or lost connection after sending, or a 5xx), when
 * this answer is not a replay of that attempt's answer; {@code null} otherwise
 */
record RemoteResponse(int status, HttpHeaders headers, byte[] body, @Nullable Throwable uncertainAttempt) {

	/** The header with which a server marks an answer replayed to a retry. */
	static final String REPLAYED_HEADER = "X-OnceOnly-Replayed";

	RemoteResponse(int status, HttpHeaders headers, byte[] body) {
		this(status, headers, body, null);
	}

	/** The first value of a header, or {@code null}. */
	@Nullable String header(String name) {
		return this.headers.getFirst(name);
	}

	/** The body as UTF-8 text. */
	String text() {
		return new String(this.body, StandardCharsets.UTF_8);
	}

	boolean isSuccess() {
		return this.status >= 200 && this.status < 300;
	}

	/** Whether the server replayed the first answer of this call to this attempt. */
	boolean replayed() {
		return "true".equalsIgnoreCase(header(REPLAYED_HEADER));
	}

	/** This answer, noting an earlier attempt that may have reached the server. */
	RemoteResponse afterUncertainAttempt(Throwable failure) {
		return new RemoteResponse(this.status, this.headers, this.body, failure);
	}

}
