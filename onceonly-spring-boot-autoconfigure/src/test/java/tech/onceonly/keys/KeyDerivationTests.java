package tech.onceonly.keys;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeyDerivationTests {

	private final KeyDerivation keys = new KeyDerivation();

	record Customer(String name, int age) {
	}

	@Test
	void functionPayloadShouldMatchTheSendEmailVector() {
		List<String> args = List.of("alice@example.com", "Welcome");
		assertThat(this.keys.functionPayload("v1", "__main__.send_email", args, Map.of())).isEqualTo(
				"{\"args\":[\"\\\"alice@example.com\\\"\",\"\\\"Welcome\\\"\"],\"fn\":\"__main__.send_email\",\"kwargs\":{},\"v\":\"v1\"}");
		assertThat(this.keys.functionKey("func", "v1", "__main__.send_email", args, Map.of()))
			.isEqualTo("func:89ff1837da7f121b512f54e9ecffb741d6e05c59cdfd4c79dea888b08e87f56f");
	}

	@Test
	void functionPayloadShouldMatchTheKeyIdAndKwargsVector() {
		assertThat(this.keys.functionPayload("v1", "billing.charge", List.of("c_1"), Map.of("amount", 100))).isEqualTo(
				"{\"args\":[\"\\\"c_1\\\"\"],\"fn\":\"billing.charge\",\"kwargs\":{\"amount\":\"100\"},\"v\":\"v1\"}");
		assertThat(this.keys.functionDigest("v1", "billing.charge", List.of("c_1"), Map.of("amount", 100)))
			.isEqualTo("afc7d8925f68b4d37c92e3ce7bbf60a47fa188b60c322ba994627bf567676913");
	}

	@Test
	void toolInputDigestShouldIgnoreMapOrder() {
		Map<String, Object> ab = new LinkedHashMap<>();
		ab.put("a", 1);
		ab.put("b", 2);
		Map<String, Object> ba = new LinkedHashMap<>();
		ba.put("b", 2);
		ba.put("a", 1);
		assertThat(this.keys.toolInputPayload(ab)).isEqualTo("{\"args\":[],\"kwargs\":{\"a\":1,\"b\":2}}");
		assertThat(this.keys.toolInputDigest(ab))
			.isEqualTo("a0a08335eba403219bfbdd5e1f4b8e82685337dda5d528c7533864becc189ce3")
			.isEqualTo(this.keys.toolInputDigest(ba));
	}

	@Test
	void toolInputDigestShouldMatchTheStringVector() {
		assertThat(this.keys.toolInputPayload("hello")).isEqualTo("{\"args\":[\"hello\"],\"kwargs\":{}}");
		assertThat(this.keys.toolInputDigest("hello"))
			.isEqualTo("6c3f44f414b670a953c7c40d40d52146d8d186de35dc24b8547c200873dd5240");
	}

	@Test
	void toolInputDigestShouldMatchTheMixedValuesVector() {
		assertThat(this.keys.toolInputDigest(Map.of("user_id", "u_100", "amount", 50)))
			.isEqualTo("5313ba5eeb951ca7238066d9d35477c85ecd974a65687f9db836dce1eeb2c6dd");
		assertThat(this.keys.toolKey("tool", "refund", Map.of("user_id", "u_100", "amount", 50)))
			.isEqualTo("tool:refund:5313ba5eeb951ca7238066d9d35477c85ecd974a65687f9db836dce1eeb2c6dd");
	}

	@Test
	void canonicalJsonShouldWriteNumbersStringsAndEscapesLikePython() {
		// expected text and digest computed with CPython 3 json.dumps(sort_keys=True,
		// separators=(",", ":"),
		// ensure_ascii=False)
		List<Object> values = Arrays.asList(1.5, 2.0, 1e16, 1e-7, 0.1, null, true,
				"\u00e9\u2028\u007f\n\u0001\uD83D\uDE00");
		String argument = this.keys.argumentJson(Map.of("x", values));
		assertThat(argument)
			.isEqualTo("{\"x\":[1.5,2.0,1e+16,1e-07,0.1,null,true,\"\u00e9\u2028\u007f\\n\\u0001\uD83D\uDE00\"]}");
		assertThat(KeyDerivation.sha256Hex(this.keys.toolInputPayload(argument)))
			.isEqualTo("ae1913f45241e03c53931d35aa401d0ddecdd2af7a7f8f69f094bf2f6729727a");
	}

	@Test
	void pythonFloatShouldFollowReprRules() {
		assertThat(CanonicalJson.pythonFloat(100.0)).isEqualTo("100.0");
		assertThat(CanonicalJson.pythonFloat(1234567890123456.0)).isEqualTo("1234567890123456.0");
		assertThat(CanonicalJson.pythonFloat(-0.0001)).isEqualTo("-0.0001");
		assertThat(CanonicalJson.pythonFloat(0.00001)).isEqualTo("1e-05");
		assertThat(CanonicalJson.pythonFloat(1.25e20)).isEqualTo("1.25e+20");
		assertThat(CanonicalJson.pythonFloat(1e300)).isEqualTo("1e+300");
		assertThat(CanonicalJson.pythonFloat(-0.0)).isEqualTo("-0.0");
		assertThat(CanonicalJson.pythonFloat(Double.NaN)).isEqualTo("NaN");
		assertThat(CanonicalJson.pythonFloat(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
		assertThat(this.keys.canonicalJson().write(0.1f)).isEqualTo("0.1");
	}

	@Test
	void canonicalJsonShouldSortKeysByCodePointAndConvertRecords() {
		Map<Object, Object> map = new LinkedHashMap<>();
		map.put("\uD83D\uDE00", 1);
		map.put("\uFF21", 2);
		map.put("7", new Customer("Zo\u00eb", 41));
		assertThat(this.keys.canonicalJson().write(map))
			.isEqualTo("{\"7\":{\"age\":41,\"name\":\"Zo\u00eb\"},\"\uFF21\":2,\"\uD83D\uDE00\":1}");
		map.put(8, "a number key among text keys");
		org.assertj.core.api.Assertions.assertThatExceptionOfType(PythonTypeError.class)
			.isThrownBy(() -> this.keys.canonicalJson().write(map));
		assertThat(this.keys.canonicalJson().write(new BigDecimal("1.50"))).isEqualTo("\"1.50\"");
		assertThat(this.keys.canonicalJson().write(new byte[] { 1, (byte) 0xab })).isEqualTo("\"01ab\"");
		assertThat(this.keys.canonicalJson().write(new int[] { 1, 2 })).isEqualTo("[1,2]");
	}

	@Test
	void argumentJsonShouldTruncateLargeRecordsOnly() {
		String longName = "x".repeat(3000);
		String record = this.keys.argumentJson(new Customer(longName, 1));
		assertThat(record).hasSize(KeyDerivation.MAX_OBJECT_CHARS + 1).endsWith("\u2026");
		assertThat(this.keys.argumentJson(Map.of("name", longName))).hasSize(longName.length() + 11);
	}

}
