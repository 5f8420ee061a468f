package tech.onceonly.spring.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.autoconfigure.web.OnceOnlyWebhookProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

@ExtendWith(OutputCaptureExtension.class)
class OnceOnlyPropertiesValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OnceOnlyAutoConfiguration.class));

	@Test
	void zeroDurationShouldNameThePropertyTheValueAndWhatIsAllowed() {
		this.runner.withPropertyValues("onceonly.local.default-lock-ttl=0s").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("Property: onceonly.local.default-lock-ttl")
				.contains("Value:    \"0s\"")
				.contains("must be a duration of at least 1s")
				.doesNotContain("defaultLockTtl");
			assertThat(analysis.getAction()).contains("docs/configuration.md");
		});
	}

	@Test
	void negativeRemoteTimeoutShouldBeRefusedBeforeAnyClientIsBuilt() {
		this.runner.withPropertyValues("onceonly.timeout=-5s", "onceonly.retry.backoff=-1ms").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).startsWith("2 onceonly.* properties have invalid values")
				.contains("Property: onceonly.timeout")
				.contains("Value:    \"-5s\"")
				.contains("must be a positive duration")
				.contains("Property: onceonly.retry.backoff")
				.contains("must be a duration of 0 or more");
		});
	}

	@Test
	void defaultTtlLongerThanTheMaximumShouldSaySo() {
		this.runner.withPropertyValues("onceonly.local.max-ttl=1h", "onceonly.local.default-lease-ttl=2h")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("Property: onceonly.local.default-lease-ttl")
				.contains("Value:    \"2h\"")
				.contains("must not be longer than onceonly.local.max-ttl"));
	}

	@Test
	void unparseableDurationShouldShowTheAcceptedFormats() {
		this.runner.withPropertyValues("onceonly.local.retention=seven days").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("Property: onceonly.local.retention")
				.contains("Value:    \"seven days\"")
				.contains("a duration such as 500ms, 30s, 5m, 1h or 7d");
		});
	}

	@Test
	void countsBelowOneShouldBeRefused() {
		this.runner.withPropertyValues("onceonly.store.memory.max-entries=0").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("Property: onceonly.store.memory.max-entries")
				.contains("Value:    \"0\"")
				.contains("must be a whole number of 1 or more")
				.doesNotContain("maxEntries");
		});
	}

	@Test
	void negativeRetriesShouldBeRefused() {
		this.runner.withPropertyValues("onceonly.retry.max-retries=-1")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("Property: onceonly.retry.max-retries")
				.contains("0 turns retries off"));
	}

	@Test
	void countThatIsNotANumberShouldSayAWholeNumberIsExpected() {
		this.runner.withPropertyValues("onceonly.store.memory.max-entries=lots")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("Property: onceonly.store.memory.max-entries")
				.contains("Value:    \"lots\"")
				.contains("must be a whole number"));
	}

	@Test
	void unknownEnumValueShouldListTheAllowedOnes() {
		this.runner.withPropertyValues("onceonly.mode=cloud").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("Property: onceonly.mode")
				.contains("Value:    \"cloud\"")
				.contains("must be one of auto, remote, local");
		});
	}

	@Test
	void sizeThatDoesNotParseShouldShowTheAcceptedFormat() {
		this.runner.withPropertyValues("onceonly.webhook.max-body-size=huge")
			.withUserConfiguration(WebhookPropertiesConfiguration.class)
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("Property: onceonly.webhook.max-body-size")
				.contains("Value:    \"huge\"")
				.contains("a size such as 512B, 64KB, 1MB or 10MB"));
	}

	@Test
	void baseUrlThatIsNotAnHttpUrlShouldBeRefused() {
		this.runner.withPropertyValues("onceonly.base-url=api.onceonly.tech")
			.run((context) -> assertThat(analysis(context).getDescription()).contains("Property: onceonly.base-url")
				.contains("must be an absolute http:// or https:// URL"));
	}

	@Test
	void namespaceShouldBeSeparatedFromTheKeyByAColon() {
		this.runner.withPropertyValues("onceonly.local.namespace=myapp").run((context) -> {
			LocalOnceOnly client = context.getBean(LocalOnceOnly.class);
			assertThat(client.settings().namespace()).isEqualTo("myapp:");
		});
		this.runner.withPropertyValues("onceonly.local.namespace=app1")
			.run((first) -> this.runner.withPropertyValues("onceonly.local.namespace=app")
				.run((second) -> assertThat(first.getBean(LocalOnceOnly.class).settings().namespace() + "x")
					.isNotEqualTo(second.getBean(LocalOnceOnly.class).settings().namespace() + "1x")));
	}

	@Test
	void namespaceWithAColonInsideShouldBeRefused() {
		this.runner.withPropertyValues("onceonly.local.namespace=a:b")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("Property: onceonly.local.namespace")
				.contains("letters, digits"));
	}

	@Test
	void validValuesShouldStart() {
		this.runner
			.withPropertyValues("onceonly.local.default-lock-ttl=1s", "onceonly.retry.max-retries=0",
					"onceonly.retry.backoff=0s", "onceonly.local.namespace=billing-eu:")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void startupReportShouldLeadWithTheOnceOnlyPropertyAndPrintNoStackTrace(CapturedOutput output) {
		SpringApplication application = new SpringApplication(MinimalApp.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--onceonly.local.default-lock-ttl=0s",
				"--spring.main.banner-mode=off", "--onceonly.store.memory.max-entries=-3"));
		String fromFirstError = output.getOut().substring(Math.max(0, output.getOut().indexOf("ERROR")));
		assertThat(fromFirstError).contains("APPLICATION FAILED TO START")
			.contains("Property: onceonly.local.default-lock-ttl")
			.contains("Property: onceonly.store.memory.max-entries")
			.contains("Value:    \"-3\"")
			.doesNotContain("defaultLockTtl")
			.doesNotContain("\tat tech.onceonly");
		assertThat(fromFirstError.lines().findFirst().orElse("")).contains("LoggingFailureAnalysisReporter");
	}

	private static FailureAnalysis analysis(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new OnceOnlyPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(OnceOnlyWebhookProperties.class)
	static class WebhookPropertiesConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(OnceOnlyAutoConfiguration.class)
	static class MinimalApp {

	}

}
