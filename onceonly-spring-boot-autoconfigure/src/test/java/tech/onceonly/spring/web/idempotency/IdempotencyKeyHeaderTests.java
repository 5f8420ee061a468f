package tech.onceonly.spring.web.idempotency;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Parsing the Idempotency-Key header as an RFC 8941 string, with lenient bare tokens. */
class IdempotencyKeyHeaderTests {

	private static IdempotencyKeyHeader.Parsed parse(String... lines) {
		return IdempotencyKeyHeader.parse(List.of(lines), true, 255);
	}

	@Test
	void quotedStringShouldLoseItsQuotes() {
		assertThat(parse("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"").key())
			.isEqualTo("8e03978e-40d5-43e8-bc93-6894a57f9324");
	}

	@Test
	void escapesShouldBeDecoded() {
		assertThat(parse("\"a\\\"b\\\\c\"").key()).isEqualTo("a\"b\\c");
	}

	@Test
	void parametersShouldBeIgnored() {
		assertThat(parse("\"k1\";origin=retry").key()).isEqualTo("k1");
	}

	@Test
	void bareTokenShouldBeAcceptedWhenLenient() {
		assertThat(parse("8e03978e-40d5").key()).isEqualTo("8e03978e-40d5");
		assertThat(parse("  padded  ").key()).isEqualTo("padded");
	}

	@Test
	void bareTokenShouldBeRefusedWhenStrict() {
		IdempotencyKeyHeader.Parsed parsed = IdempotencyKeyHeader.parse(List.of("abc"), false, 255);
		assertThat(parsed.key()).isNull();
		assertThat(parsed.problem()).contains("structured-field string");
	}

	@Test
	void absentHeaderShouldBeAbsent() {
		assertThat(IdempotencyKeyHeader.parse(List.of(), true, 255).absent()).isTrue();
	}

	@Test
	void invalidValuesShouldBeRefusedWithAReason() {
		assertThat(parse("\"unterminated").problem()).contains("unterminated");
		assertThat(parse("\"bad\\escape\"").problem()).contains("escape");
		assertThat(parse("\"\"").problem()).contains("empty");
		assertThat(parse("").problem()).contains("empty");
		assertThat(parse("\"a\", \"b\"").problem()).contains("single value");
		assertThat(parse("a b").problem()).contains("single value");
		assertThat(parse("\"a\"", "\"b\"").problem()).contains("once");
		assertThat(parse("\"caf\u00e9\"").problem()).contains("printable ASCII");
		assertThat(parse("\"" + "k".repeat(256) + "\"").problem()).contains("at most 255");
		assertThat(parse("\"" + "k".repeat(255) + "\"").key()).hasSize(255);
	}

}
