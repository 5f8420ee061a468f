package tech.onceonly.spring.web.idempotency;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.AiRun;
import tech.onceonly.client.JsonObjectText;
import tech.onceonly.client.OnceOnly;

/**
 * Stored responses as entries in a backend, for the tests of the stored format on every
 * backend: a version 1 entry captured from the library before the format had a version,
 * and a way to plant any entry under the key a request will look up.
 */
public final class StoredResponseEntries {

	/** The request path of the captured entry. */
	public static final String PATH = "/orders";

	/** The JSON request body of the captured entry (its fingerprint covers it). */
	public static final String PAYMENT = "{\"amount\":1000,\"currency\":\"eur\"}";

	/** The body of the captured first response. */
	public static final String FIRST_BODY = "{\"id\":\"ord_1\",\"ok\":true}";

	/**
	 * A version 1 entry exactly as the library stored it before the format had a version,
	 * captured from the in-memory store after a real MockMvc request {@code POST /orders}
	 * with {@link #PAYMENT} as {@code application/json}, answered {@code 201} with
	 * {@code Location: /orders/1} and {@link #FIRST_BODY} as {@code application/json}.
	 */
	public static final String VERSION_1 = "{\"kind\":\"http_response\",\"status\":201,\"headers\":{\"Content-Type\":"
			+ "[\"application/json\"],\"Location\":[\"/orders/1\"]},\"body_stored\":true,"
			+ "\"body\":\"eyJpZCI6Im9yZF8xIiwib2siOnRydWV9\","
			+ "\"fingerprint\":\"f047fed64efabaf22715eacc21b535b50e81ebbc6a27acab598f2f53553303be\"}";

	/**
	 * Content types of every kind: text, JSON and XML in several charsets, binary, odd
	 * spellings.
	 */
	public static final String[] CONTENT_TYPES = { "application/json", "application/json;charset=UTF-8",
			"application/json; charset=\"utf-8\"", "application/problem+json", "application/vnd.api+json", "text/plain",
			"text/plain;charset=utf8", "text/plain; charset=ISO-8859-1", "text/html;charset=UTF-16",
			"text/csv; header=present", "application/xml", "application/atom+xml;charset=utf-8", "text/xml",
			"application/octet-stream", "image/png", "APPLICATION/JSON", "multipart/form-data; boundary=x",
			"text/plain;format=flowed;charset=utf-8" };

	private StoredResponseEntries() {
	}

	/**
	 * Completes the key that a {@code POST} of {@link #PATH} with {@code clientKey} by an
	 * anonymous caller looks up, storing {@code resultJson} as it is.
	 * @param onceOnly the backend
	 * @param clientKey the client's Idempotency-Key (unquoted)
	 * @param resultJson the stored result's JSON text
	 */
	public static void plant(OnceOnly onceOnly, String clientKey, String resultJson) {
		String key = new IdempotencyKeyRules(IdempotencyKeySettings.defaults())
			.storageKey(IdempotencyKeyRules.scope(null, null), "POST", PATH, clientKey);
		AiRun lease = onceOnly.ai().lease(key, Duration.ofMinutes(1), null);
		onceOnly.ai().complete(key, String.valueOf(lease.leaseId()), JsonObjectText.of(resultJson, () -> {
			throw new AssertionError("a planted entry must be stored as its text");
		}), null);
	}

	/** A response with random headers, status, fingerprint and body. */
	public static StoredResponse randomResponse(Random random) {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		if (random.nextInt(8) != 0) {
			headers.put(random.nextBoolean() ? "Content-Type" : "content-type",
					List.of(CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)]));
		}
		if (random.nextBoolean()) {
			headers.put("Location", List.of("/orders/" + randomText(random, 6)));
		}
		if (random.nextInt(4) == 0) {
			headers.put("X-\"odd\\", List.of(randomText(random, 5), "", "\t\u0001"));
		}
		int[] statuses = { 200, 201, 202, 204, 301, 400, 404, 422, 500 };
		return new StoredResponse(statuses[random.nextInt(statuses.length)], headers, randomBody(random),
				randomText(random, 1 + random.nextInt(70)));
	}

	/**
	 * A body of any kind: none (not stored), empty, random bytes, nearly valid UTF-8,
	 * JSON, text from every plane, one at the capture limit, control characters, UTF-16.
	 */
	public static byte @Nullable [] randomBody(Random random) {
		return switch (random.nextInt(9)) {
			case 0 -> null;
			case 1 -> new byte[0];
			case 2 -> randomBytes(random, random.nextInt(300));
			case 3 -> nearlyUtf8(random);
			case 4 -> ("{\"id\":\"" + randomText(random, 20) + "\",\"n\":" + random.nextInt() + "}")
				.getBytes(StandardCharsets.UTF_8);
			case 5 -> randomText(random, 1 + random.nextInt(200)).getBytes(StandardCharsets.UTF_8);
			case 6 -> {
				byte[] big = new byte[(int) IdempotencyKeySettings.defaults().maxStoredBodyBytes()];
				for (int i = 0; i < big.length; i++) {
					big[i] = (byte) ('a' + (i % 26));
				}
				if (random.nextBoolean()) {
					big[random.nextInt(big.length)] = (byte) 0xFF;
				}
				yield big;
			}
			case 7 ->
				"line\r\nquote\" backslash\\ tab\t nul\u0000 del\u007f sep\u2028 😀".getBytes(StandardCharsets.UTF_8);
			default -> randomText(random, 3).getBytes(StandardCharsets.UTF_16);
		};
	}

	/** Text from every plane: ASCII, controls, Latin-1, BMP, surrogate pairs. */
	public static String randomText(Random random, int length) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			switch (random.nextInt(6)) {
				case 0 -> text.append((char) random.nextInt(0x20));
				case 1 -> text.append((char) (0x80 + random.nextInt(0x780)));
				case 2 -> text.append((char) (0x800 + random.nextInt(0xD000 - 0x800)));
				case 3 -> text.appendCodePoint(0x10000 + random.nextInt(0x100000));
				default -> text.append("\"\\{}[]:,az09 /".charAt(random.nextInt(14)));
			}
		}
		return text.toString();
	}

	/** Random bytes. */
	public static byte[] randomBytes(Random random, int length) {
		byte[] bytes = new byte[length];
		random.nextBytes(bytes);
		return bytes;
	}

	/** Valid UTF-8 with, most of the time, one byte changed. */
	public static byte[] nearlyUtf8(Random random) {
		byte[] bytes = randomText(random, 1 + random.nextInt(8)).getBytes(StandardCharsets.UTF_8);
		if (random.nextInt(4) != 0) {
			int[] edges = { 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x9F, 0xA0,
					0x8F, 0x90 };
			bytes[random.nextInt(bytes.length)] = (byte) edges[random.nextInt(edges.length)];
		}
		return bytes;
	}

}
