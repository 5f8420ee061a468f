package tech.onceonly.engine;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.ValidationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Key rules of the engine (issue 17, item 4): length in Unicode code points, unpaired
 * UTF-16 surrogates refused.
 */
class ValidationTests {

	private final Validation validation = new Validation(EngineSettings.defaults(), JsonMapper.builder().build());

	@Test
	void keyLengthShouldBeCountedInCodePoints() {
		String emoji = "\uD83D\uDE00";
		assertThat(this.validation.key(emoji.repeat(256))).hasSize(512);
		assertThatExceptionOfType(ValidationException.class).isThrownBy(() -> this.validation.key(emoji.repeat(257)))
			.withMessageContaining("257 characters (Unicode code points)")
			.withMessageContaining("at most 256");
	}

	@Test
	void keyWithAnUnpairedSurrogateShouldBeRefused() {
		assertThatExceptionOfType(ValidationException.class).isThrownBy(() -> this.validation.key("a\uD800b"))
			.withMessageContaining("unpaired UTF-16 surrogate (U+D800) at index 1");
		assertThatExceptionOfType(ValidationException.class).isThrownBy(() -> this.validation.key("a\uDE00"))
			.withMessageContaining("U+DE00");
		assertThatExceptionOfType(ValidationException.class).isThrownBy(() -> this.validation.key("\uD83D"))
			.withMessageContaining("U+D83D");
		assertThat(this.validation.key("ok\uD83D\uDE00")).isEqualTo("ok\uD83D\uDE00");
	}

}
