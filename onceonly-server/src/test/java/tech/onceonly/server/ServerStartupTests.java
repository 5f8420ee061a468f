package tech.onceonly.server;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import tech.onceonly.server.auth.ApiKeyRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Starting without configuration generates and prints one key; the key generator command
 * prints one.
 */
class ServerStartupTests {

	private static final Pattern KEY = Pattern.compile("once_live_[A-Za-z0-9_-]+");

	@Test
	void withoutKeysAKeyForTheDefaultTenantShouldBeGeneratedAndPrintedOnce() {
		ByteArrayOutputStream console = new ByteArrayOutputStream();
		ApiKeyRegistry registry = ServerConfiguration.registry(new OnceOnlyServerProperties(),
				new PrintStream(console, true, StandardCharsets.UTF_8));
		String printed = console.toString(StandardCharsets.UTF_8);
		Matcher matcher = KEY.matcher(printed);
		assertThat(matcher.find()).isTrue();
		String key = matcher.group();
		assertThat(matcher.find()).isFalse();
		assertThat(printed).contains("OnceOnly server").contains("tenant 'default'");
		assertThat(registry.find(key).tenant()).isEqualTo("default");
	}

	@Test
	void withoutKeysAndWithoutGenerationStartupShouldFail() {
		OnceOnlyServerProperties properties = new OnceOnlyServerProperties();
		properties.setGenerateDefaultKey(false);
		assertThatThrownBy(() -> ServerConfiguration.registry(properties, System.out))
			.hasMessageContaining("onceonly.server.api-keys");
	}

	@Test
	void generateKeyFlagShouldPrintAKeyForTheTenantAndNotStart() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		boolean generated = OnceOnlyServerApplication.generateKey(
				new String[] { "--onceonly.server.generate-key=acme" },
				new PrintStream(out, true, StandardCharsets.UTF_8));
		assertThat(generated).isTrue();
		assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern(KEY).contains("tenant=acme");
		assertThat(OnceOnlyServerApplication.generateKey(new String[] { "--server.port=0" }, System.out)).isFalse();
	}

}
