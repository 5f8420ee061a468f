package tech.onceonly.spring.web.idempotency;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;

/**
 * The stored form of a {@link StoredResponse}, a JSON object kept as the result of the
 * key's lease, in every version this library reads.
 * <p>
 * <b>Version 1</b> (no version field):
 * {@code {"kind":"http_response","status":…,"headers":{…},"body_stored":…,"body":"<base64>","fingerprint":"…"}};
 * {@code body} is absent when the body was not stored.
 * <p>
 * <b>Version 2</b>: {@code {"v":2,"status":…,"headers":{…},"fp":"…","text":"…"}} for a
 * text body (a text, JSON or XML content type whose charset is UTF-8 or not given, and
 * bytes that are valid UTF-8 without a NUL), {@code "b64":"<base64>"} instead of
 * {@code text} for any other body, and neither when the body was not stored. A version 1
 * reader finds no {@code fingerprint} in it and refuses it as unusable rather than replay
 * it wrongly.
 * <p>
 * A later version keeps a number in {@code v} greater than 2; this reader refuses such an
 * entry ({@link StoredResponse.NewerFormatException}) instead of guessing at it.
 */
final class StoredResponseFormat {

	/** The version this library writes. */
	static final int VERSION = 2;

	private static final JsonFactory JSON = JsonFactory.builder()
		.streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
		.build();

	/** A version field that is not an integer (never a valid version). */
	private static final long INVALID = -1;

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private StoredResponseFormat() {
	}

	// ---- writing (always the current version)

	/** The JSON text of {@code response} in the current version. */
	static String write(StoredResponse response) {
		byte[] body = response.body();
		StringBuilder json = new StringBuilder(capacity(response));
		json.append("{\"v\":").append(VERSION).append(",\"status\":").append(response.status());
		json.append(",\"headers\":{");
		boolean first = true;
		for (Map.Entry<String, List<String>> header : response.headers().entrySet()) {
			if (!first) {
				json.append(',');
			}
			first = false;
			string(json, header.getKey());
			json.append(":[");
			List<String> values = header.getValue();
			for (int i = 0; i < values.size(); i++) {
				if (i > 0) {
					json.append(',');
				}
				string(json, values.get(i));
			}
			json.append(']');
		}
		json.append("},\"fp\":");
		string(json, response.fingerprint());
		if (body != null) {
			int mark = json.length();
			json.append(",\"text\":\"");
			if (!isText(contentType(response.headers())) || !appendUtf8(json, body)) {
				json.setLength(mark);
				json.append(",\"b64\":\"").append(Base64.getEncoder().encodeToString(body));
			}
			json.append('"');
		}
		return json.append('}').toString();
	}

	/**
	 * An upper bound of the written length, so the text is built without growing: the
	 * fixed parts, the headers and the fingerprint (as if every character were escaped
	 * once), and the body as text (escapes counted) or as base64, whichever is longer.
	 */
	private static int capacity(StoredResponse response) {
		long capacity = 64 + 2L * response.fingerprint().length();
		for (Map.Entry<String, List<String>> header : response.headers().entrySet()) {
			capacity += 8 + 2L * header.getKey().length();
			for (String value : header.getValue()) {
				capacity += 3 + 2L * value.length();
			}
		}
		byte[] body = response.body();
		if (body != null) {
			long text = body.length;
			for (byte b : body) {
				if (b == '"' || b == '\\') {
					text++;
				}
				else if (b >= 0 && b < 0x20) {
					text += 5;
				}
			}
			capacity += Math.max(text, 4L * ((body.length + 2) / 3)) + 16;
		}
		return (int) Math.min(capacity, Integer.MAX_VALUE - 16);
	}

	/**
	 * The current version as a map with the same content as {@link #write}, for a backend
	 * that needs the map (the remote client).
	 */
	static Map<String, Object> toMap(StoredResponse response) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("v", VERSION);
		map.put("status", response.status());
		map.put("headers", response.headers());
		map.put("fp", response.fingerprint());
		byte[] body = response.body();
		if (body != null) {
			if (isText(contentType(response.headers())) && isValidUtf8(body) && !containsNul(body)) {
				map.put("text", new String(body, StandardCharsets.UTF_8));
			}
			else {
				map.put("b64", Base64.getEncoder().encodeToString(body));
			}
		}
		return map;
	}

	private static @Nullable String contentType(Map<String, List<String>> headers) {
		for (Map.Entry<String, List<String>> header : headers.entrySet()) {
			if (header.getKey().equalsIgnoreCase("Content-Type") && !header.getValue().isEmpty()) {
				return header.getValue().get(0);
			}
		}
		return null;
	}

	/**
	 * Whether a body of {@code contentType} is stored as text when its bytes are valid
	 * UTF-8: {@code text/*}, JSON ({@code json}, {@code *+json}) and XML ({@code xml},
	 * {@code *+xml}) subtypes, with a UTF-8 charset or none.
	 */
	static boolean isText(@Nullable String contentType) {
		if (contentType == null) {
			return false;
		}
		int semicolon = contentType.indexOf(';');
		String mime = ((semicolon < 0) ? contentType : contentType.substring(0, semicolon)).trim()
			.toLowerCase(Locale.ROOT);
		int slash = mime.indexOf('/');
		if (slash <= 0) {
			return false;
		}
		String subtype = mime.substring(slash + 1);
		boolean text = mime.startsWith("text/") || subtype.equals("json") || subtype.equals("xml")
				|| subtype.endsWith("+json") || subtype.endsWith("+xml");
		if (!text || semicolon < 0) {
			return text;
		}
		for (String parameter : contentType.substring(semicolon + 1).split(";")) {
			int equals = parameter.indexOf('=');
			if (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase("charset")) {
				String charset = parameter.substring(equals + 1).trim();
				if (charset.length() >= 2 && charset.startsWith("\"") && charset.endsWith("\"")) {
					charset = charset.substring(1, charset.length() - 1);
				}
				return charset.equalsIgnoreCase("utf-8") || charset.equalsIgnoreCase("utf8");
			}
		}
		return true;
	}

	/** Appends {@code value} as a JSON string. */
	private static void string(StringBuilder json, String value) {
		json.append('"');
		for (int i = 0; i < value.length(); i++) {
			escaped(json, value.charAt(i));
		}
		json.append('"');
	}

	private static void escaped(StringBuilder json, char c) {
		if (c == '"' || c == '\\') {
			json.append('\\').append(c);
		}
		else if (c < 0x20) {
			switch (c) {
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
			}
		}
		else {
			json.append(c);
		}
	}

	/**
	 * Whether {@code bytes} hold a NUL: such text is stored as base64, since a JSON
	 * string with U+0000 is refused by backends that keep JSON in PostgreSQL
	 * {@code jsonb} (the OnceOnly server answers 422 {@code string_nul}).
	 */
	private static boolean containsNul(byte[] bytes) {
		for (byte b : bytes) {
			if (b == 0) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Appends the UTF-8 text of {@code bytes}, escaped for a JSON string, when the bytes
	 * are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
	 * U+10FFFF) without a NUL; returns false, having appended a part, when they are not.
	 */
	private static boolean appendUtf8(StringBuilder json, byte[] bytes) {
		int i = 0;
		int n = bytes.length;
		while (i < n) {
			int b = bytes[i];
			if (b == 0) {
				return false;
			}
			if (b >= 0) {
				escaped(json, (char) b);
				i++;
				continue;
			}
			int length = sequenceLength(bytes, i);
			if (length == 0) {
				return false;
			}
			int lead = b & 0xFF;
			int codePoint = switch (length) {
				case 2 -> ((lead & 0x1F) << 6) | (bytes[i + 1] & 0x3F);
				case 3 -> ((lead & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F);
				default -> ((lead & 0x07) << 18) | ((bytes[i + 1] & 0x3F) << 12) | ((bytes[i + 2] & 0x3F) << 6)
						| (bytes[i + 3] & 0x3F);
			};
			json.appendCodePoint(codePoint);
			i += length;
		}
		return true;
	}

	/** Whether {@code bytes} are well-formed UTF-8 (RFC 3629). */
	static boolean isValidUtf8(byte[] bytes) {
		int i = 0;
		while (i < bytes.length) {
			if (bytes[i] >= 0) {
				i++;
				continue;
			}
			int length = sequenceLength(bytes, i);
			if (length == 0) {
				return false;
			}
			i += length;
		}
		return true;
	}

	/**
	 * The length of the well-formed multi-byte UTF-8 sequence at {@code i} (whose lead
	 * byte is not ASCII), or 0 when it is not well-formed (Unicode table 3-7).
	 */
	private static int sequenceLength(byte[] bytes, int i) {
		int lead = bytes[i] & 0xFF;
		int n = bytes.length;
		if (lead < 0xC2 || lead > 0xF4) {
			return 0;
		}
		if (lead < 0xE0) {
			return (i + 1 < n && continuation(bytes[i + 1])) ? 2 : 0;
		}
		if (lead < 0xF0) {
			if (i + 2 >= n || !continuation(bytes[i + 1]) || !continuation(bytes[i + 2])) {
				return 0;
			}
			int second = bytes[i + 1] & 0xFF;
			if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second >= 0xA0)) {
				return 0;
			}
			return 3;
		}
		if (i + 3 >= n || !continuation(bytes[i + 1]) || !continuation(bytes[i + 2]) || !continuation(bytes[i + 3])) {
			return 0;
		}
		int second = bytes[i + 1] & 0xFF;
		if ((lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second >= 0x90)) {
			return 0;
		}
		return 4;
	}

	private static boolean continuation(byte b) {
		return (b & 0xC0) == 0x80;
	}

	// ---- reading (every known version)

	/**
	 * Reads a stored result from its JSON text without building a map.
	 * @param json the JSON text of the result
	 * @return the response, or {@code null} when the text is not a stored response of a
	 * known version
	 * @throws StoredResponse.NewerFormatException when a newer version wrote it
	 */
	static @Nullable StoredResponse read(String json) {
		Fields fields = new Fields();
		try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), json)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return null;
			}
			String name;
			while ((name = parser.nextName()) != null) {
				JsonToken token = parser.nextToken();
				switch (name) {
					case "v" ->
						fields.version = (token == JsonToken.VALUE_NUMBER_INT) ? parser.getLongValue() : skip(parser);
					case "status" -> fields.status = token.isNumeric() ? parser.getNumberValue() : skipToNull(parser);
					case "fingerprint" -> fields.fingerprint = text(parser, token);
					case "fp" -> fields.fp = text(parser, token);
					case "body" -> fields.body = text(parser, token);
					case "text" -> fields.textBytes = utf8(parser, token);
					case "b64" -> fields.b64 = text(parser, token);
					case "headers" -> fields.headers = headers(parser, token);
					default -> parser.skipChildren();
				}
			}
		}
		catch (JacksonException ex) {
			return null;
		}
		return fields.response();
	}

	/** Skips a value of the wrong type: an invalid version. */
	private static long skip(JsonParser parser) {
		parser.skipChildren();
		return INVALID;
	}

	private static @Nullable Number skipToNull(JsonParser parser) {
		parser.skipChildren();
		return null;
	}

	/**
	 * The UTF-8 bytes of a string value, encoded straight from the parser's characters
	 * (no intermediate string); a lone surrogate becomes {@code ?}, as
	 * {@link String#getBytes} does.
	 */
	private static byte @Nullable [] utf8(JsonParser parser, JsonToken token) {
		if (token != JsonToken.VALUE_STRING) {
			parser.skipChildren();
			return null;
		}
		char[] chars = parser.getStringCharacters();
		int offset = parser.getStringOffset();
		int end = offset + parser.getStringLength();
		int length = 0;
		for (int i = offset; i < end; i++) {
			char c = chars[i];
			if (c < 0x80) {
				length++;
			}
			else if (c < 0x800) {
				length += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
				length += 4;
				i++;
			}
			else {
				length += Character.isSurrogate(c) ? 1 : 3;
			}
		}
		byte[] bytes = new byte[length];
		int at = 0;
		for (int i = offset; i < end; i++) {
			char c = chars[i];
			if (c < 0x80) {
				bytes[at++] = (byte) c;
			}
			else if (c < 0x800) {
				bytes[at++] = (byte) (0xC0 | (c >> 6));
				bytes[at++] = (byte) (0x80 | (c & 0x3F));
			}
			else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
				int codePoint = Character.toCodePoint(c, chars[++i]);
				bytes[at++] = (byte) (0xF0 | (codePoint >> 18));
				bytes[at++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
				bytes[at++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
				bytes[at++] = (byte) (0x80 | (codePoint & 0x3F));
			}
			else if (Character.isSurrogate(c)) {
				bytes[at++] = '?';
			}
			else {
				bytes[at++] = (byte) (0xE0 | (c >> 12));
				bytes[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
				bytes[at++] = (byte) (0x80 | (c & 0x3F));
			}
		}
		return bytes;
	}

	private static @Nullable String text(JsonParser parser, JsonToken token) {
		if (token == JsonToken.VALUE_STRING) {
			return parser.getString();
		}
		parser.skipChildren();
		return null;
	}

	private static @Nullable Map<String, List<String>> headers(JsonParser parser, JsonToken token) {
		if (token != JsonToken.START_OBJECT) {
			parser.skipChildren();
			return null;
		}
		Map<String, List<String>> headers = new LinkedHashMap<>();
		String name;
		while ((name = parser.nextName()) != null) {
			List<String> values = new ArrayList<>(1);
			if (parser.nextToken() == JsonToken.START_ARRAY) {
				JsonToken item;
				while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
					if (item.isScalarValue()) {
						values.add(parser.getText());
					}
					else {
						parser.skipChildren();
					}
				}
			}
			else {
				parser.skipChildren();
			}
			headers.put(name, values);
		}
		return headers;
	}

	/**
	 * Reads a stored result given as a map (a backend that hands results back as maps:
	 * the remote client).
	 * @param result the result object
	 * @return the response, or {@code null} when it is not a stored response of a known
	 * version
	 * @throws StoredResponse.NewerFormatException when a newer version wrote it
	 */
	static @Nullable StoredResponse read(Map<String, Object> result) {
		Fields fields = new Fields();
		if (result.containsKey("v")) {
			Object version = result.get("v");
			fields.version = (version instanceof Integer || version instanceof Long) ? ((Number) version).longValue()
					: INVALID;
		}
		fields.status = (result.get("status") instanceof Number status) ? status : null;
		fields.fingerprint = string(result.get("fingerprint"));
		fields.fp = string(result.get("fp"));
		fields.body = string(result.get("body"));
		String text = string(result.get("text"));
		fields.textBytes = (text != null) ? text.getBytes(StandardCharsets.UTF_8) : null;
		fields.b64 = string(result.get("b64"));
		if (result.get("headers") instanceof Map<?, ?> stored) {
			Map<String, List<String>> headers = new LinkedHashMap<>();
			stored.forEach((name, values) -> {
				List<String> list = new ArrayList<>(1);
				if (values instanceof List<?> items) {
					items.forEach((item) -> list.add(String.valueOf(item)));
				}
				headers.put(String.valueOf(name), list);
			});
			fields.headers = headers;
		}
		return fields.response();
	}

	private static @Nullable String string(@Nullable Object value) {
		return (value instanceof String text) ? text : null;
	}

	/** The fields of a stored result, read in any order, then judged by version. */
	private static final class Fields {

		/** 1 when absent, {@link #INVALID} when not an integer. */
		long version = 1;

		@Nullable Number status;

		@Nullable String fingerprint;

		@Nullable String fp;

		@Nullable String body;

		byte @Nullable [] textBytes;

		@Nullable String b64;

		@Nullable Map<String, List<String>> headers;

		@Nullable StoredResponse response() {
			if (this.version > VERSION) {
				throw new StoredResponse.NewerFormatException(this.version);
			}
			if (this.status == null || this.version < 1) {
				return null;
			}
			boolean first = this.version == 1;
			String fingerprint = first ? this.fingerprint : this.fp;
			if (fingerprint == null) {
				return null;
			}
			byte[] bytes;
			try {
				if (first) {
					bytes = (this.body != null) ? Base64.getDecoder().decode(this.body) : null;
				}
				else if (this.textBytes != null && this.b64 != null) {
					return null;
				}
				else {
					bytes = (this.textBytes != null) ? this.textBytes
							: (this.b64 != null) ? Base64.getDecoder().decode(this.b64) : null;
				}
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
			Map<String, List<String>> headers = (this.headers != null) ? this.headers : new LinkedHashMap<>();
			return new StoredResponse(this.status.intValue(), headers, bytes, fingerprint);
		}

	}

}
