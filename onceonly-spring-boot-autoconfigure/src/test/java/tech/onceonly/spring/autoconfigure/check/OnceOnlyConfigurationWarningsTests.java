package tech.onceonly.spring.autoconfigure.check;

import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class OnceOnlyConfigurationWarningsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(OnceOnlyAutoConfiguration.class, OnceOnlyConfigurationCheckAutoConfiguration.class));

	@Test
	void misspelledKeyShouldBeWarnedWithTheNearestKnownKey(CapturedOutput output) {
		this.runner.withPropertyValues("onceonly.stroe.type=redis")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).containsOnlyOnce("OnceOnly: unknown property onceonly.stroe.type")
			.contains("is ignored; did you mean onceonly.store.type?");
	}

	@Test
	void misspelledKeyFromTheEnvironmentShouldBeWarnedToo(CapturedOutput output) {
		this.runner.withSystemProperties("onceonly.local.namspace=app")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("unknown property onceonly.local.namspace")
			.contains("did you mean onceonly.local.namespace?");
	}

	@Test
	void environmentVariablesShouldBeWarnedOnlyWhenTheyAreNearMisses(CapturedOutput output) {
		this.runner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment",
						Map.of("ONCEONLY_STROE_TYPE", "redis", "ONCEONLY_SOME_OTHER_TOOL_URL", "x"))))
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("unknown property onceonly.stroe.type")
			.contains("ONCEONLY_STROE_TYPE")
			.contains("did you mean onceonly.store.type?")
			.doesNotContain("onceonly.some.other.tool.url");
	}

	@Test
	void keyFarFromEveryKnownKeyShouldPointToTheReference(CapturedOutput output) {
		this.runner.withPropertyValues("onceonly.completely-made-up=1")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("unknown property onceonly.completely-made-up")
			.contains("every onceonly.* property is listed in docs/configuration.md")
			.doesNotContain("did you mean");
	}

	@Test
	void knownKeysListsAndMapEntriesShouldNotBeWarned(CapturedOutput output) {
		this.runner
			.withPropertyValues("onceonly.store.type=memory", "onceonly.local.retention=2d",
					"onceonly.idempotency-key.paths[0]=/api/payments/**", "onceonly.ai.remote.registered-tools[0]=x",
					"onceonly.configuration-check.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain("unknown property");
	}

	@Test
	void checkCanBeSwitchedOff(CapturedOutput output) {
		this.runner.withPropertyValues("onceonly.configuration-check.enabled=false", "onceonly.stroe.type=redis")
			.run((context) -> assertThat(context).doesNotHaveBean(OnceOnlyConfigurationWarnings.class));
		assertThat(output).doesNotContain("unknown property");
	}

	@Test
	void memoryStoreBesideADataSourceShouldBeWarned(CapturedOutput output) {
		this.runner.withBean(DataSource.class, () -> new DriverManagerDataSource("jdbc:h2:mem:onceonly-warning"))
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).containsOnlyOnce("in-memory store of this JVM although the application has a DataSource")
			.contains("Set onceonly.store.type=jdbc");
	}

	@Test
	void memoryStoreBesideRedisShouldBeWarned(CapturedOutput output) {
		this.runner.withBean(RedisConnectionFactory.class, LettuceConnectionFactory::new)
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("although the application has a Redis connection factory");
	}

	@Test
	void memoryStoreChosenExplicitlyShouldNotBeWarned(CapturedOutput output) {
		this.runner.withPropertyValues("onceonly.store.type=memory")
			.withBean(DataSource.class, () -> new DriverManagerDataSource("jdbc:h2:mem:onceonly-warning"))
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain("in-memory store of this JVM");
	}

	@Test
	void memoryStoreAloneShouldNotBeWarned(CapturedOutput output) {
		this.runner.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain("in-memory store of this JVM").doesNotContain("unknown property");
	}

	@Test
	void distanceShouldCountASwapAsOneEdit() {
		assertThat(KnownOnceOnlyProperties.distance("onceonly.stroe.type", "onceonly.store.type")).isEqualTo(1);
		assertThat(KnownOnceOnlyProperties.distance("abc", "abc")).isZero();
		assertThat(KnownOnceOnlyProperties.distance("", "abc")).isEqualTo(3);
	}

}
