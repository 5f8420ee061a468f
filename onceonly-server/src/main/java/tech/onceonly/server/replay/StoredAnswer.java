package tech.onceonly.server.replay;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The first answer to a request id: status, headers and body, replayed to repeats.
 *
 * @param status the HTTP status
 * @param headers the response headers, in order
 * @param contentType the content type, or {@code null}
 * @param body the body bytes
 */
public record StoredAnswer(int status, List<Map.Entry<String, String>> headers, @Nullable String contentType,
		byte[] body) {

	public StoredAnswer {
		headers = List.copyOf(headers);
		body = body.clone();
	}

	/** The body bytes (a copy). */
	@Override
	public byte[] body() {
		return this.body.clone();
	}

	/** The size this answer takes in memory, roughly. */
	int weight() {
		return this.body.length + this.headers.size() * 64;
	}

}
