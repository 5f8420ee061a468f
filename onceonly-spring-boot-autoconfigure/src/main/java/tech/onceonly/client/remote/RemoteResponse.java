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
 */
record RemoteResponse(int status, HttpHeaders headers, byte[] body) {

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

}
