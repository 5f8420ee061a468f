package tech.onceonly.spring.web;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * RFC 9457 problem details bodies ({@code application/problem+json}) with {@code type},
 * {@code title}, {@code status} and {@code detail} members, plus extension members.
 * Bodies never echo request data.
 */
public final class ProblemDetails {

	/** The media type of problem details. */
	public static final String MEDIA_TYPE = "application/problem+json";

	/** The base of the problem type URIs this project answers with. */
	public static final String TYPE_BASE = "https://onceonly.tech/problems/";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ProblemDetails() {
	}

	/**
	 * The JSON bytes of a problem.
	 * @param type the last segment of the problem type URI, for example
	 * {@code idempotency-key-missing}
	 * @param title a short, fixed summary of the problem type
	 * @param status the HTTP status
	 * @param detail what happened and what to do about it
	 * @param extensions extra members, or an empty map
	 * @return UTF-8 JSON
	 */
	public static byte[] json(String type, String title, int status, String detail, Map<String, ?> extensions) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", TYPE_BASE + type);
		body.put("title", title);
		body.put("status", status);
		body.put("detail", detail);
		body.putAll(extensions);
		return JSON.writeValueAsBytes(body);
	}

	/**
	 * The JSON bytes of a small object, for answers that are not problems (a duplicate
	 * webhook delivery).
	 */
	public static byte[] object(Map<String, ?> members) {
		return JSON.writeValueAsBytes(members);
	}

}
