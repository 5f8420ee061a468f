package tech.onceonly.spring.aop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;

import tech.onceonly.spring.annotation.DuplicateExecutionException;
import tech.onceonly.spring.annotation.GovernedTool;
import tech.onceonly.spring.annotation.Idempotent;
import tech.onceonly.spring.annotation.IdempotentAi;
import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.annotation.OnDuplicate;
import tech.onceonly.spring.annotation.RunOnce;
import tech.onceonly.spring.annotation.WebhookProvider;
import tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration;
import tech.onceonly.spring.autoconfigure.aop.OnceOnlyAnnotationsAutoConfiguration;
import tech.onceonly.spring.autoconfigure.governance.OnceOnlyGovernanceAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Misconfigured annotations fail the startup with a message that names the method, the
 * attribute, what is wrong and the fix; the aliases and the old attribute names work.
 */
class AnnotationStartupValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OnceOnlyAutoConfiguration.class,
				OnceOnlyAnnotationsAutoConfiguration.class, OnceOnlyGovernanceAutoConfiguration.class));

	// ---- SpEL

	@Test
	void keySyntaxErrorShouldFailTheStartup() {
		this.runner.withBean(BrokenSyntax.class)
			.run((context) -> assertFailure(context, "@Idempotent(key = \"'order:' + \") on BrokenSyntax.send(String)",
					"is not valid SpEL", "quote text as 'text' and join parts with +"));
	}

	@Test
	void keyNamingAnUnknownParameterShouldFailTheStartup() {
		this.runner.withBean(UnknownParameter.class)
			.run((context) -> assertFailure(context,
					"@IdempotentAi(key = \"#order.id\") on UnknownParameter.charge(String)",
					"uses #order, which is not defined here", "by name (orderId)"));
	}

	@Test
	void metadataNamingAnUnknownParameterShouldFailTheStartup() {
		this.runner.withBean(UnknownMetadataParameter.class)
			.run((context) -> assertFailure(context,
					"@IdempotentAi(metadata = \"{'by': #user}\") on UnknownMetadataParameter.charge(String)",
					"uses #user"));
	}

	@Test
	void templateKeyShouldFailSayingHowToMigrate() {
		this.runner.withBean(TemplateKey.class)
			.run((context) -> assertFailure(context, "TemplateKey.send(String)",
					"key is a plain SpEL expression: write key = \"#to\""));
	}

	@Test
	void governedToolWithAPlainExpressionAgentShouldFailSayingHowToMigrate() {
		this.runner.withBean(PlainAgent.class)
			.run((context) -> assertFailure(context, "@GovernedTool(agent = \"#agent\") on PlainAgent.call(String)",
					"agent is text with #{...} parts: write agent = \"#{#agent}\""));
	}

	@Test
	void governedToolTemplateNamingAnUnknownParameterShouldFailTheStartup() {
		this.runner.withBean(UnknownTemplateParameter.class)
			.run((context) -> assertFailure(context,
					"@GovernedTool(tool = \"refund:#{#orderId}\") on UnknownTemplateParameter.refund(String)",
					"uses #orderId", "by name (id)"));
	}

	@Test
	void governedToolWithABadSpendOrRiskLevelShouldFailTheStartup() {
		this.runner.withBean(BadSpend.class)
			.run((context) -> assertFailure(context, "@GovernedTool(spend = \"fifty cents\") on BadSpend.call(String)",
					"is not a number", "spend = \"0.50\""));
		this.runner.withBean(BadRisk.class)
			.run((context) -> assertFailure(context, "@GovernedTool(riskLevel = \"severe\") on BadRisk.call(String)",
					"use low, medium or high"));
	}

	// ---- webhooks

	@Test
	void genericWebhookWithoutHeaderOrKeyShouldFailTheStartup() {
		this.runner.withBean(GenericWithoutId.class)
			.run((context) -> assertFailure(context, "@IdempotentWebhook on GenericWithoutId#receive",
					"provider GENERIC but neither a header nor a key", "header = \"X-Event-Id\"",
					"key = \"#body.id\""));
	}

	@Test
	void webhookKeyWithAnUnknownVariableOrASyntaxErrorShouldFailTheStartup() {
		this.runner.withBean(WebhookUnknownVariable.class)
			.run((context) -> assertFailure(context,
					"@IdempotentWebhook(key = \"#payload.id\") on WebhookUnknownVariable#receive", "uses #payload",
					"#headers, #pathVariables, #params and #body"));
		this.runner.withBean(WebhookSyntaxError.class)
			.run((context) -> assertFailure(context,
					"@IdempotentWebhook(key = \"#body[\") on WebhookSyntaxError#receive", "is not valid SpEL"));
	}

	@Test
	void classLevelWebhookShouldCheckEveryHandlerMethod() {
		this.runner.withBean(ClassLevelGeneric.class)
			.run((context) -> assertFailure(context, "@IdempotentWebhook on ClassLevelGeneric#receive",
					"provider GENERIC"));
	}

	@Test
	void validWebhooksShouldStart() {
		this.runner.withBean(GoodWebhooks.class).run((context) -> assertThat(context).hasNotFailed());
	}

	// ---- duplicate policy

	@Test
	void returnNullOnAMethodReturningAValueShouldFailTheStartup() {
		this.runner.withBean(ReturnNullOnString.class)
			.run((context) -> assertFailure(context,
					"@Idempotent(onDuplicate = RETURN_NULL) on ReturnNullOnString.send(String) returns java.lang.String",
					"would return null where the caller expects a value",
					"declare the return type as Optional or void"));
	}

	@Test
	void returnNullShouldBeAllowedWhereNothingIsAnAnswer() {
		this.runner.withBean(ReturnNullAllowed.class).run((context) -> {
			assertThat(context).hasNotFailed();
			ReturnNullAllowed bean = context.getBean(ReturnNullAllowed.class);
			assertThat(bean.find("a")).contains("a");
			assertThat(bean.find("a")).isEmpty();
			bean.notify("a");
			bean.notify("a");
			assertThat(bean.calls()).isEqualTo(2);
		});
	}

	@Test
	void defaultPolicyShouldThrowForValueMethods() {
		this.runner.withBean(DefaultPolicy.class).run((context) -> {
			DefaultPolicy bean = context.getBean(DefaultPolicy.class);
			assertThat(bean.send("a")).isEqualTo("sent:a");
			assertThatExceptionOfType(DuplicateExecutionException.class).isThrownBy(() -> bean.send("a"))
				.withMessageContaining("default-policy:a");
		});
	}

	// ---- aliases and attribute names

	@Test
	void runOnceShouldRunOnceAndReplayTheResult() {
		this.runner.withBean(Payments.class).run((context) -> {
			Payments payments = context.getBean(Payments.class);
			Receipt first = payments.charge("o-1");
			assertThat(payments.charge("o-1")).isEqualTo(first);
			assertThat(payments.charges()).isEqualTo(1);
		});
	}

	@Test
	void firstCallsFromManyThreadsShouldRunTheMethodOnce() {
		this.runner.withBean(Payments.class).withBean(DefaultPolicy.class).run((context) -> {
			Payments payments = context.getBean(Payments.class);
			DefaultPolicy mailer = context.getBean(DefaultPolicy.class);
			int threads = 16;
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			try {
				CountDownLatch start = new CountDownLatch(1);
				List<Future<Receipt>> receipts = new ArrayList<>();
				List<Future<String>> sends = new ArrayList<>();
				for (int i = 0; i < threads; i++) {
					receipts.add(pool.submit(() -> {
						start.await();
						return payments.charge("o-concurrent");
					}));
					sends.add(pool.submit(() -> {
						start.await();
						try {
							return mailer.send("concurrent");
						}
						catch (DuplicateExecutionException ex) {
							return "duplicate";
						}
					}));
				}
				start.countDown();
				List<Receipt> answered = new ArrayList<>();
				for (Future<Receipt> receipt : receipts) {
					answered.add(receipt.get(30, TimeUnit.SECONDS));
				}
				List<String> sent = new ArrayList<>();
				for (Future<String> send : sends) {
					sent.add(send.get(30, TimeUnit.SECONDS));
				}
				assertThat(payments.charges()).isEqualTo(1);
				assertThat(answered).containsOnly(new Receipt("o-concurrent", 1));
				assertThat(sent).containsOnlyOnce("sent:concurrent")
					.filteredOn("duplicate"::equals)
					.hasSize(threads - 1);
			}
			finally {
				pool.shutdownNow();
			}
		});
	}

	@Test
	void runOnceShouldBeCheckedAtStartupLikeIdempotentAi() {
		this.runner.withBean(BrokenRunOnce.class)
			.run((context) -> assertFailure(context, "BrokenRunOnce.charge(String)",
					"uses #id, which is not defined here"));
		this.runner.withBean(BadLeaseTime.class)
			.run((context) -> assertFailure(context, "Invalid leaseTime 'soon' on BadLeaseTime.charge(String)"));
	}

	@Test
	void newAndOldAttributeNamesShouldMeanTheSame() {
		this.runner.withBean(Windows.class).run((context) -> {
			OnceOnlyOperationSource source = context.getBean(OnceOnlyAnnotationAdvisor.class).getOperationSource();
			assertThat(window(source, "byNewName")).isEqualTo("PT2H");
			assertThat(window(source, "byOldName")).isEqualTo("PT3H");
			assertThat(lease(source, "leaseByNewName")).isEqualTo("PT45S");
			assertThat(lease(source, "leaseByOldName")).isEqualTo("PT50S");
		});
	}

	@Test
	void oldAndNewNameWithDifferentValuesShouldFailTheStartup() {
		this.runner.withBean(ConflictingWindow.class).run((context) -> assertFailure(context, "dedupWindow", "ttl"));
	}

	private static String window(OnceOnlyOperationSource source, String method) throws NoSuchMethodException {
		OnceOnlyOperation operation = source.find(Windows.class.getMethod(method, String.class), Windows.class);
		return ((OnceOnlyOperation.CheckLock) operation).ttl().toString();
	}

	private static String lease(OnceOnlyOperationSource source, String method) throws NoSuchMethodException {
		OnceOnlyOperation operation = source.find(Windows.class.getMethod(method, String.class), Windows.class);
		return ((OnceOnlyOperation.Lease) operation).ttl().toString();
	}

	private static void assertFailure(AssertableApplicationContext context, String... parts) {
		assertThat(context).hasFailed();
		StringBuilder messages = new StringBuilder();
		for (Throwable ex = context.getStartupFailure(); ex != null; ex = ex.getCause()) {
			messages.append(ex.getMessage()).append('\n');
		}
		assertThat(messages.toString()).contains(parts);
	}

	// ---- beans

	static class BrokenSyntax {

		@Idempotent(key = "'order:' + ")
		public void send(String to) {
		}

	}

	static class UnknownParameter {

		@IdempotentAi(key = "#order.id")
		public String charge(String orderId) {
			return orderId;
		}

	}

	static class UnknownMetadataParameter {

		@IdempotentAi(key = "#orderId", metadata = "{'by': #user}")
		public String charge(String orderId) {
			return orderId;
		}

	}

	static class TemplateKey {

		@Idempotent(key = "#{#to}")
		public void send(String to) {
		}

	}

	static class PlainAgent {

		@GovernedTool(agent = "#agent")
		public String call(String agent) {
			return agent;
		}

	}

	static class UnknownTemplateParameter {

		@GovernedTool(agent = "support", tool = "refund:#{#orderId}")
		public String refund(String id) {
			return id;
		}

	}

	static class BadSpend {

		@GovernedTool(agent = "support", spend = "fifty cents")
		public String call(String id) {
			return id;
		}

	}

	static class BadRisk {

		@GovernedTool(agent = "support", riskLevel = "severe")
		public String call(String id) {
			return id;
		}

	}

	static class GenericWithoutId {

		@IdempotentWebhook
		@PostMapping("/hooks/generic")
		public String receive(@RequestBody String body) {
			return "ok";
		}

	}

	static class WebhookUnknownVariable {

		@IdempotentWebhook(key = "#payload.id")
		@PostMapping("/hooks/unknown")
		public String receive(@RequestBody String body) {
			return "ok";
		}

	}

	static class WebhookSyntaxError {

		@IdempotentWebhook(key = "#body[")
		@PostMapping("/hooks/syntax")
		public String receive(@RequestBody String body) {
			return "ok";
		}

	}

	@IdempotentWebhook(provider = WebhookProvider.GENERIC)
	static class ClassLevelGeneric {

		@PostMapping("/hooks/class")
		public String receive(@RequestBody String body) {
			return "ok";
		}

		public String helper() {
			return "not a handler";
		}

	}

	static class GoodWebhooks {

		@IdempotentWebhook(provider = WebhookProvider.STRIPE)
		@PostMapping("/hooks/stripe")
		public String stripe(@RequestBody String body) {
			return "ok";
		}

		@IdempotentWebhook(header = "X-Event-Id")
		@PostMapping("/hooks/header")
		public String header(@RequestBody String body) {
			return "ok";
		}

		@IdempotentWebhook(scope = "crm", key = "#headers['X-Source'] + ':' + #body.data.object.id")
		@PostMapping("/hooks/key")
		public String key(@RequestBody String body) {
			return "ok";
		}

	}

	static class ReturnNullOnString {

		@Idempotent(key = "#to", onDuplicate = OnDuplicate.RETURN_NULL)
		public String send(String to) {
			return to;
		}

	}

	static class ReturnNullAllowed {

		final AtomicInteger calls = new AtomicInteger();

		@Idempotent(keyPrefix = "return-null-find", key = "#id", onDuplicate = OnDuplicate.RETURN_NULL)
		public Optional<String> find(String id) {
			this.calls.incrementAndGet();
			return Optional.of(id);
		}

		@Idempotent(keyPrefix = "return-null-notify", key = "#id", onDuplicate = OnDuplicate.RETURN_NULL)
		public void notify(String id) {
			this.calls.incrementAndGet();
		}

		public int calls() {
			return this.calls.get();
		}

	}

	static class DefaultPolicy {

		@Idempotent(keyPrefix = "default-policy", key = "#to")
		public String send(String to) {
			return "sent:" + to;
		}

	}

	public record Receipt(String id, int number) {
	}

	static class Payments {

		final AtomicInteger charges = new AtomicInteger();

		@RunOnce(key = "'run-once:' + #orderId", leaseTime = "2m")
		public Receipt charge(String orderId) {
			return new Receipt(orderId, this.charges.incrementAndGet());
		}

		public int charges() {
			return this.charges.get();
		}

	}

	static class BrokenRunOnce {

		@RunOnce(key = "#id")
		public Receipt charge(String orderId) {
			return new Receipt(orderId, 1);
		}

	}

	static class BadLeaseTime {

		@RunOnce(key = "#orderId", leaseTime = "soon")
		public Receipt charge(String orderId) {
			return new Receipt(orderId, 1);
		}

	}

	static class Windows {

		@Idempotent(key = "#id", dedupWindow = "2h")
		public void byNewName(String id) {
		}

		@SuppressWarnings("deprecation")
		@Idempotent(key = "#id", ttl = "3h")
		public void byOldName(String id) {
		}

		@IdempotentAi(key = "#id", leaseTime = "45s")
		public Map<String, String> leaseByNewName(String id) {
			return Map.of();
		}

		@SuppressWarnings("deprecation")
		@IdempotentAi(key = "#id", ttl = "50s")
		public Map<String, String> leaseByOldName(String id) {
			return Map.of();
		}

	}

	static class ConflictingWindow {

		@SuppressWarnings("deprecation")
		@Idempotent(key = "#id", dedupWindow = "2h", ttl = "3h")
		public void send(String id) {
		}

	}

}
