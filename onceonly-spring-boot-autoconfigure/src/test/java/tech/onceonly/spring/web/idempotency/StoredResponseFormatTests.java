package tech.onceonly.spring.web.idempotency;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.JsonObjectText;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The stored-response format: every response written in the current format reads back
 * with the same status, headers, fingerprint and body bytes, from its text (the local
 * engine) and from a map (a backend that parses results, the remote client); version 1
 * entries written before the format had a version still read; an entry of a newer format
 * is refused, never replayed; and a version 1 reader refuses the current format rather
 * than replay it without its body.
 */
class StoredResponseFormatTests {

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String VERSION_1_ENTRY = StoredResponseEntries.VERSION_1;

	@Test
	void everyResponseShouldReadBackWithTheSameBytesFromTextAndFromMaps() {
		long seed = System.nanoTime();
		Random random = new Random(seed);
		for (int i = 0; i < 3_000; i++) {
			StoredResponse original = StoredResponseEntries.randomResponse(random);
			String text = StoredResponseFormat.write(original);
			String where = "seed " + seed + ", case " + i + ": " + text;
			assertSame(StoredResponse.fromResult(JsonObjectText.of(text, () -> {
				throw new AssertionError("the map of a result read from its text was built");
			})), original, where);
			Map<String, Object> parsed = JSON.readValue(text, MAP);
			assertThat(parsed).as(where).isEqualTo(JSON.readValue(JSON.writeValueAsString(original.toResult()), MAP));
			assertSame(StoredResponse.fromResult(parsed), original, where);
			assertSame(StoredResponseFormat.read(StoredResponseFormat.toMap(original)), original, where);
			assertThat(VersionOneReader.fromResult(parsed)).as("a version 1 reader refuses " + where).isNull();
		}
	}

	@Test
	void textBodiesShouldBeStoredAsTextAndOthersAsBase64() {
		Map<String, List<String>> json = Map.of("Content-Type", List.of("application/json;charset=UTF-8"));
		String stored = StoredResponseFormat.write(
				new StoredResponse(201, json, "{\"id\":\"ord_1\",\"é\":\"€\"}".getBytes(StandardCharsets.UTF_8), "f"));
		assertThat(stored).isEqualTo("{\"v\":2,\"status\":201,\"headers\":{\"Content-Type\":[\"application/json;"
				+ "charset=UTF-8\"]},\"fp\":\"f\",\"text\":\"{\\\"id\\\":\\\"ord_1\\\",\\\"é\\\":\\\"€\\\"}\"}");
		byte[] invalid = { '{', (byte) 0xC3, '}' };
		assertThat(StoredResponseFormat.write(new StoredResponse(200, json, invalid, "f")))
			.endsWith(",\"b64\":\"" + Base64.getEncoder().encodeToString(invalid) + "\"}");
		byte[] nul = { 'a', 0, 'b' };
		assertThat(StoredResponseFormat.write(new StoredResponse(200, json, nul, "f")))
			.as("a NUL is refused in JSON strings by jsonb-backed APIs: base64")
			.endsWith(",\"b64\":\"" + Base64.getEncoder().encodeToString(nul) + "\"}");
		assertThat(StoredResponseFormat.toMap(new StoredResponse(200, json, nul, "f"))).containsKey("b64")
			.doesNotContainKey("text");
		Map<String, List<String>> latin1 = Map.of("content-type", List.of("text/plain; charset=ISO-8859-1"));
		assertThat(StoredResponseFormat.write(new StoredResponse(200, latin1, "abc".getBytes(), "f")))
			.endsWith(",\"b64\":\"YWJj\"}");
		assertThat(StoredResponseFormat.write(new StoredResponse(200, Map.of(), "abc".getBytes(), "f")))
			.as("no content type: base64")
			.endsWith(",\"b64\":\"YWJj\"}");
		assertThat(StoredResponseFormat.write(new StoredResponse(204, json, new byte[0], "f")))
			.endsWith(",\"text\":\"\"}");
		assertThat(StoredResponseFormat.write(new StoredResponse(200, json, null, "f"))).endsWith(",\"fp\":\"f\"}");
	}

	@Test
	void contentTypesShouldBeTextOnlyForTextJsonAndXmlInUtf8() {
		assertThat(StoredResponseFormat.isText("application/json")).isTrue();
		assertThat(StoredResponseFormat.isText("Application/Problem+JSON; charset=UTF-8")).isTrue();
		assertThat(StoredResponseFormat.isText("application/json; charset=\"utf-8\"")).isTrue();
		assertThat(StoredResponseFormat.isText("text/html;charset=utf8")).isTrue();
		assertThat(StoredResponseFormat.isText("application/soap+xml")).isTrue();
		assertThat(StoredResponseFormat.isText("text/csv; header=present")).isTrue();
		assertThat(StoredResponseFormat.isText("text/plain; charset=ISO-8859-1")).isFalse();
		assertThat(StoredResponseFormat.isText("application/json;charset=utf-16")).isFalse();
		assertThat(StoredResponseFormat.isText("application/octet-stream")).isFalse();
		assertThat(StoredResponseFormat.isText("image/svg")).isFalse();
		assertThat(StoredResponseFormat.isText("json")).isFalse();
		assertThat(StoredResponseFormat.isText("")).isFalse();
		assertThat(StoredResponseFormat.isText(null)).isFalse();
	}

	@Test
	void utf8ValidationShouldAgreeWithTheStrictDecoder() {
		long seed = System.nanoTime();
		Random random = new Random(seed);
		for (int i = 0; i < 50_000; i++) {
			byte[] bytes = (i % 2 == 0) ? StoredResponseEntries.randomBytes(random, random.nextInt(12))
					: StoredResponseEntries.nearlyUtf8(random);
			assertThat(StoredResponseFormat.isValidUtf8(bytes)).as("seed %d, bytes %s", seed, hex(bytes))
				.isEqualTo(strictlyDecodes(bytes));
		}
		assertThat(StoredResponseFormat.isValidUtf8(new byte[] { (byte) 0xC0, (byte) 0x80 })).as("overlong").isFalse();
		assertThat(StoredResponseFormat.isValidUtf8(new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }))
			.as("surrogate")
			.isFalse();
		assertThat(StoredResponseFormat.isValidUtf8(new byte[] { (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 }))
			.as("past U+10FFFF")
			.isFalse();
		assertThat(StoredResponseFormat.isValidUtf8("😀 é €".getBytes(StandardCharsets.UTF_8))).isTrue();
	}

	@Test
	void aVersionOneEntryShouldReadAsItWasStored() {
		Map<String, Object> entry = JSON.readValue(VERSION_1_ENTRY, MAP);
		StoredResponse fromText = StoredResponse.fromResult(JsonObjectText.of(VERSION_1_ENTRY, () -> entry));
		StoredResponse fromMap = StoredResponse.fromResult(entry);
		StoredResponse expected = VersionOneReader.fromResult(entry);
		assertThat(expected).isNotNull();
		assertThat(new String(expected.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"ord_1\",\"ok\":true}");
		assertSame(fromText, expected, VERSION_1_ENTRY);
		assertSame(fromMap, expected, VERSION_1_ENTRY);
		Map<String, Object> withoutBody = new LinkedHashMap<>(entry);
		withoutBody.remove("body");
		withoutBody.put("body_stored", false);
		StoredResponse notStored = StoredResponse.fromResult(withoutBody);
		assertThat(notStored).isNotNull();
		assertThat(notStored.body()).isNull();
		assertThat(notStored.status()).isEqualTo(201);
	}

	@Test
	void anEntryOfANewerFormatShouldBeRefusedFromTextAndFromMaps() {
		String newer = "{\"v\":3,\"status\":200,\"headers\":{},\"fp\":\"f\",\"text\":\"hello\",\"body\":\"aGVsbG8=\","
				+ "\"fingerprint\":\"f\"}";
		assertThatExceptionOfType(StoredResponse.NewerFormatException.class)
			.isThrownBy(() -> StoredResponse.fromResult(JsonObjectText.of(newer, Map::of)))
			.satisfies((ex) -> assertThat(ex.format()).isEqualTo(3));
		assertThatExceptionOfType(StoredResponse.NewerFormatException.class)
			.isThrownBy(() -> StoredResponse.fromResult(JSON.readValue(newer, MAP)));
		String onlyVersion = "{\"v\":17}";
		assertThatExceptionOfType(StoredResponse.NewerFormatException.class)
			.isThrownBy(() -> StoredResponse.fromResult(JsonObjectText.of(onlyVersion, Map::of)));
		assertThatExceptionOfType(StoredResponse.NewerFormatException.class)
			.isThrownBy(() -> StoredResponse.fromResult(JSON.readValue(onlyVersion, MAP)));
	}

	@Test
	void resultsThatAreNoStoredResponseShouldReadAsNothing() {
		for (String text : new String[] { "{}", "[1]", "\"x\"", "{\"v\":2,\"status\":200,\"headers\":{}}",
				"{\"v\":\"2\",\"status\":200,\"fp\":\"f\"}", "{\"v\":0,\"status\":200,\"fp\":\"f\"}",
				"{\"v\":2.0,\"status\":200,\"fp\":\"f\"}", "{\"v\":2,\"status\":\"200\",\"fp\":\"f\"}",
				"{\"v\":2,\"status\":200,\"fp\":\"f\",\"text\":\"a\",\"b64\":\"YQ==\"}",
				"{\"v\":2,\"status\":200,\"fp\":\"f\",\"b64\":\"not base64!\"}",
				"{\"status\":200,\"fingerprint\":\"f\",\"body\":\"%%%\"}", "{\"status\":200,\"fp\":\"f\"}",
				"{\"v\":2,\"status\":{\"x\":[1,{}]},\"fp\":\"f\"}", "{\"kind\":\"http_response\"" }) {
			assertThat(StoredResponse.fromResult(JsonObjectText.of(text, Map::of))).as(text).isNull();
			if (text.startsWith("{") && text.endsWith("}")) {
				assertThat(StoredResponse.fromResult(JSON.readValue(text, MAP))).as(text).isNull();
			}
		}
		assertThat(StoredResponse.fromResult(null)).isNull();
	}

	@Test
	void aTextBodyShouldReadAsTheUtf8OfItsCharactersEvenWithLoneSurrogates() {
		long seed = System.nanoTime();
		Random random = new Random(seed);
		for (int i = 0; i < 2_000; i++) {
			StringBuilder chars = new StringBuilder();
			StringBuilder escaped = new StringBuilder();
			for (int n = random.nextInt(12); n > 0; n--) {
				char c = switch (random.nextInt(5)) {
					case 0 -> (char) (0xD800 + random.nextInt(0x800));
					case 1 -> (char) random.nextInt(0x80);
					case 2 -> (char) (0x80 + random.nextInt(0x780));
					case 3 -> (char) (0xE000 + random.nextInt(0x2000));
					default -> (char) (0x800 + random.nextInt(0x1000));
				};
				chars.append(c);
				escaped.append(String.format("\\u%04x", (int) c));
			}
			String text = "{\"v\":2,\"status\":200,\"fp\":\"f\",\"text\":\"" + escaped + "\"}";
			StoredResponse read = StoredResponse.fromResult(JsonObjectText.of(text, Map::of));
			assertThat(read).isNotNull();
			assertThat(read.body()).as("seed %d: %s", seed, escaped)
				.isEqualTo(chars.toString().getBytes(StandardCharsets.UTF_8));
			assertThat(StoredResponse.fromResult(JSON.readValue(text, MAP)).body()).isEqualTo(read.body());
		}
	}

	@Test
	void unknownFieldsOfAKnownVersionShouldBeSkipped() {
		String text = "{\"extra\":{\"a\":[1,2,{\"b\":null}]},\"v\":2,\"fp\":\"f\",\"status\":202,"
				+ "\"headers\":{\"X\":[\"1\",\"2\"],\"Y\":{\"z\":1},\"Z\":[[\"n\"],\"k\"]},\"text\":\"ok\",\"more\":[]}";
		StoredResponse read = StoredResponse.fromResult(JsonObjectText.of(text, Map::of));
		assertThat(read).isNotNull();
		assertThat(read.status()).isEqualTo(202);
		assertThat(read.headers()).containsEntry("X", List.of("1", "2")).containsEntry("Z", List.of("k"));
		assertThat(read.body()).isEqualTo("ok".getBytes(StandardCharsets.UTF_8));
	}

	private static void assertSame(@Nullable StoredResponse read, StoredResponse original, String where) {
		assertThat(read).as(where).isNotNull();
		assertThat(read.status()).as(where).isEqualTo(original.status());
		assertThat(read.headers()).as(where).isEqualTo(original.headers());
		assertThat(read.fingerprint()).as(where).isEqualTo(original.fingerprint());
		assertThat(read.body()).as(where).isEqualTo(original.body());
	}

	private static boolean strictlyDecodes(byte[] bytes) {
		try {
			StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes));
			return true;
		}
		catch (CharacterCodingException ex) {
			return false;
		}
	}

	private static String hex(byte[] bytes) {
		StringBuilder hex = new StringBuilder();
		for (byte b : bytes) {
			hex.append(String.format("%02x ", b));
		}
		return hex.toString();
	}

	/**
	 * The reader of version 1 as it was before the format had a version, kept as the
	 * oracle of what an instance of that version does with an entry.
	 */
	static final class VersionOneReader {

		static @Nullable StoredResponse fromResult(@Nullable Map<String, Object> result) {
			if (result == null || !(result.get("status") instanceof Number status)
					|| !(result.get("fingerprint") instanceof String fingerprint)) {
				return null;
			}
			Map<String, List<String>> headers = new LinkedHashMap<>();
			if (result.get("headers") instanceof Map<?, ?> stored) {
				stored.forEach((name, values) -> {
					List<String> list = new ArrayList<>();
					if (values instanceof List<?> items) {
						items.forEach((item) -> list.add(String.valueOf(item)));
					}
					headers.put(String.valueOf(name), list);
				});
			}
			byte[] body = (result.get("body") instanceof String encoded) ? Base64.getDecoder().decode(encoded) : null;
			return new StoredResponse(status.intValue(), headers, body, fingerprint);
		}

	}

}
