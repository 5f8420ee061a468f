package tech.onceonly.ai;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class ToolInputDigestTests {

	private final ToolArguments arguments = new ToolArguments(JsonMapper.builder().build());

	@Test
	void objectInputShouldMatchTheSdkVectorWhateverTheKeyOrder() {
		String expected = "a0a08335eba403219bfbdd5e1f4b8e82685337dda5d528c7533864becc189ce3";
		assertThat(ToolInputDigest.payload(this.arguments.parseValue("{\"a\":1,\"b\":2}")))
			.isEqualTo("{\"args\":[],\"kwargs\":{\"a\":1,\"b\":2}}");
		assertThat(ToolInputDigest.digest(this.arguments.parseValue("{\"a\":1,\"b\":2}"))).isEqualTo(expected);
		assertThat(ToolInputDigest.digest(this.arguments.parseValue("{\"b\": 2, \"a\": 1}"))).isEqualTo(expected);
	}

	@Test
	void scalarInputShouldMatchTheSdkVector() {
		assertThat(ToolInputDigest.payload("hello")).isEqualTo("{\"args\":[\"hello\"],\"kwargs\":{}}");
		assertThat(ToolInputDigest.digest(this.arguments.parseValue("\"hello\"")))
			.isEqualTo("6c3f44f414b670a953c7c40d40d52146d8d186de35dc24b8547c200873dd5240");
	}

	@Test
	void mixedInputShouldMatchTheSdkVector() {
		assertThat(ToolInputDigest.digest(this.arguments.parseValue("{\"user_id\":\"u_100\",\"amount\":50}")))
			.isEqualTo("5313ba5eeb951ca7238066d9d35477c85ecd974a65687f9db836dce1eeb2c6dd");
		assertThat(ToolInputDigest.key("tool", "send_email", Map.of("user_id", "u_100", "amount", 50)))
			.isEqualTo("tool:send_email:5313ba5eeb951ca7238066d9d35477c85ecd974a65687f9db836dce1eeb2c6dd");
	}

	@Test
	void floatsShouldBeWrittenAsPythonWritesThem() {
		assertThat(ToolInputDigest.canonical(this.arguments.parseValue("[1.0, 0.1, 1e-7, 1e16, 123.456, -2.5e3, 1E2]")))
			.isEqualTo("[1.0,0.1,1e-07,1e+16,123.456,-2500.0,100.0]");
	}

	@Test
	void stringsShouldKeepNonAsciiAndEscapeControlCharacters() {
		assertThat(ToolInputDigest.canonical(Map.of("k", "é \"q\" \\ \n \u0001")))
			.isEqualTo("{\"k\":\"é \\\"q\\\" \\\\ \\n \\u0001\"}");
	}

}
