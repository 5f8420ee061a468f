package tech.onceonly.spring.aop;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.mock.env.MockEnvironment;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.AiRun;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.keys.KeyDerivation;
import tech.onceonly.spring.annotation.DuplicateExecutionException;
import tech.onceonly.spring.annotation.Idempotent;
import tech.onceonly.spring.annotation.IdempotentAi;
import tech.onceonly.spring.annotation.IdempotentExecutionFailedException;
import tech.onceonly.spring.annotation.IdempotentInProgressException;
import tech.onceonly.spring.annotation.IdempotentKeyException;
import tech.onceonly.spring.annotation.IdempotentWaitTimeoutException;
import tech.onceonly.spring.annotation.OnDuplicate;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class OnceOnlyMethodInterceptorTests {

	private final MutableClock clock = MutableClock.startingAt2026();

	private final LocalOnceOnly client = new LocalOnceOnly(new InMemoryStore(this.clock));

	private final JsonMapper json = JsonMapper.builder().build();

	private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

	@AfterEach
	void close() {
		this.client.close();
	}

	@SuppressWarnings("unchecked")
	private <T> T proxy(T target) {
		MockEnvironment environment = new MockEnvironment().withProperty("mail.ttl", "2h")
			.withProperty("mail.prefix", "mail");
		this.beanFactory.addEmbeddedValueResolver(environment::resolvePlaceholders);
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAdvisor(new OnceOnlyAnnotationAdvisor(() -> this.client, () -> this.json, this.beanFactory));
		return (T) factory.getProxy();
	}

	// ---- @Idempotent

	@Test
	void idempotentShouldRunOncePerKeyAndThrowForDuplicatesOfAValueMethodByDefault() {
		Mailer mailerTarget = new Mailer();
		Mailer mailer = proxy(mailerTarget);
		assertThat(mailer.send("alice", "hi")).isEqualTo("sent:1");
		assertThatExceptionOfType(DuplicateExecutionException.class).isThrownBy(() -> mailer.send("alice", "again"))
			.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo("mail:alice"));
		assertThat(mailer.send("bob", "hi")).isEqualTo("sent:2");
		assertThat(mailerTarget.sent).hasValue(2);
	}

	@Test
	void idempotentShouldRunAgainOnceTheTtlFromAPlaceholderExpired() {
		Mailer mailerTarget = new Mailer();
		Mailer mailer = proxy(mailerTarget);
		mailer.send("alice", "hi");
		this.clock.advance(Duration.ofMinutes(119));
		assertThatExceptionOfType(DuplicateExecutionException.class).isThrownBy(() -> mailer.send("alice", "hi"));
		this.clock.advance(Duration.ofMinutes(2));
		assertThat(mailer.send("alice", "hi")).isEqualTo("sent:2");
	}

	@Test
	void idempotentShouldUsePrefixFromPlaceholderAndSpelKey() {
		proxy(new Mailer()).send("alice", "hi");
		assertThat(this.client.checkLock("mail:alice").isDuplicate()).isTrue();
	}

	@Test
	void idempotentWithoutKeyShouldUseThePythonDigestOfMethodAndArguments() {
		Digests digestsTarget = new Digests();
		Digests digests = proxy(digestsTarget);
		digests.welcome("alice@example.com", "Welcome");
		String expected = new KeyDerivation().functionKey("func", "v1", Digests.class.getName() + ".welcome",
				List.of("alice@example.com", "Welcome"), Map.of());
		assertThat(this.client.checkLock(expected).isDuplicate()).isTrue();
		digests.charge("c_1");
		assertThat(this.client
			.checkLock("func:" + new KeyDerivation().functionDigest("v1", "billing.charge", List.of("c_1"), Map.of()))
			.isDuplicate()).isTrue();
		assertThat(digestsTarget.calls).hasValue(2);
	}

	@Test
	void idempotentShouldSkipADuplicateOfAVoidMethod() {
		Digests digestsTarget = new Digests();
		Digests digests = proxy(digestsTarget);
		digests.welcome("a", "b");
		digests.welcome("a", "b");
		assertThat(digestsTarget.calls).hasValue(1);
	}

	@Test
	void idempotentWithThrowShouldRaiseDuplicateExecutionException() {
		Mailer mailerTarget = new Mailer();
		Mailer mailer = proxy(mailerTarget);
		mailer.strict("o-1");
		assertThatExceptionOfType(DuplicateExecutionException.class).isThrownBy(() -> mailer.strict("o-1"))
			.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo("func:strict:o-1"))
			.satisfies((ex) -> assertThat(ex.getFirstSeenAt()).isNotNull());
	}

	@Test
	void idempotentWithFallbackShouldCallTheFallbackWithTheSameArguments() {
		Mailer mailerTarget = new Mailer();
		Mailer mailer = proxy(mailerTarget);
		assertThat(mailer.withFallback("o-1", 3)).isEqualTo("sent:o-1");
		assertThat(mailer.withFallback("o-1", 3)).isEqualTo("already:o-1:3");
	}

	@Test
	void idempotentShouldEvaluateRootVariablesPositionalParametersAndBeans() {
		this.beanFactory.registerSingleton("tenant", new Tenant("acme"));
		Mailer mailerTarget = new Mailer();
		Mailer mailer = proxy(mailerTarget);
		mailer.rooted("x", 7);
		assertThat(this.client.checkLock("func:rooted:x:7:2:acme").isDuplicate()).isTrue();
	}

	@Test
	void idempotentKeyEvaluatingToNullShouldFailNamingTheMethodAndExpression() {
		Mailer mailerTarget = new Mailer();
		Mailer mailer = proxy(mailerTarget);
		assertThatExceptionOfType(IdempotentKeyException.class).isThrownBy(() -> mailer.send(null, "x"))
			.withMessageContaining("Mailer.send(String, String)")
			.withMessageContaining("'#to'")
			.withMessageContaining("null");
		assertThat(mailerTarget.sent).hasValue(0);
	}

	@Test
	void idempotentReturningPrimitiveWithReturnNullShouldBeRejectedWhenProxied() {
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> proxy(new Primitive()).count("x"))
			.havingRootCause()
			.withMessageContaining("Primitive.count(String)")
			.withMessageContaining("RETURN_NULL");
	}

	@Test
	void idempotentOnClassShouldApplyToPublicMethods() {
		ClassLevel serviceTarget = new ClassLevel();
		ClassLevel service = proxy(serviceTarget);
		assertThat(service.handle("e-1")).isEqualTo("handled:e-1");
		assertThatExceptionOfType(DuplicateExecutionException.class).isThrownBy(() -> service.handle("e-1"));
		assertThat(service.optional("e-2")).contains("e-2");
		assertThat(service.optional("e-2")).isEmpty();
	}

	@Test
	void idempotentCompletableFutureOfAValueDuplicateShouldFailByDefault() throws Exception {
		Mailer mailerTarget = new Mailer();
		Mailer mailer = proxy(mailerTarget);
		assertThat(mailer.async("a").get(5, TimeUnit.SECONDS)).isEqualTo("async:a");
		assertThat(mailer.async("a")).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(DuplicateExecutionException.class);
		assertThat(mailerTarget.sent).hasValue(1);
	}

	@Test
	void idempotentCompletableFutureOfVoidDuplicateShouldCompleteWithNullByDefault() throws Exception {
		Mailer mailerTarget = new Mailer();
		Mailer mailer = proxy(mailerTarget);
		assertThat(mailer.asyncVoid("a").get(5, TimeUnit.SECONDS)).isNull();
		assertThat(mailer.asyncVoid("a").get(5, TimeUnit.SECONDS)).isNull();
		assertThat(mailerTarget.sent).hasValue(1);
	}

	@Test
	void idempotentAsyncDuplicateShouldFailWithDuplicateOrUseTheFallback() throws Exception {
		Mailer mailerTarget = new Mailer();
		Mailer mailer = proxy(mailerTarget);
		assertThat(mailer.asyncStrict("a").get(5, TimeUnit.SECONDS)).isEqualTo("strict:a");
		assertThat(mailer.asyncStrict("a")).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(DuplicateExecutionException.class);
		assertThat(mailer.monoFallback("b").block(Duration.ofSeconds(5))).isEqualTo("first:b");
		assertThat(mailer.monoFallback("b").block(Duration.ofSeconds(5))).isEqualTo("fallback:b");
	}

	@Test
	void idempotentMonoDuplicateShouldBeEmptyAndThrowWhenAsked() {
		Mailer mailerTarget = new Mailer();
		Mailer mailer = proxy(mailerTarget);
		assertThat(mailer.mono("a").block(Duration.ofSeconds(5))).isEqualTo("mono:a");
		assertThat(mailer.mono("a").blockOptional(Duration.ofSeconds(5))).isEmpty();
		assertThat(mailerTarget.sent).hasValue(1);
	}

	@Test
	void idempotentShouldProceedWhenTheClientFailsOpen() {
		ClassLevel failOpen = FailOpenClient.proxy(new ClassLevel(), this.json);
		assertThat(failOpen.handle("e-1")).isEqualTo("handled:e-1");
		assertThat(failOpen.handle("e-1")).isEqualTo("handled:e-1");
	}

	// ---- @IdempotentAi

	@Test
	void idempotentAiShouldRunOnceAndReplayTheTypedResult() {
		Payments paymentsTarget = new Payments();
		Payments payments = proxy(paymentsTarget);
		Receipt first = payments.charge("o-1", 500);
		Receipt second = payments.charge("o-1", 999);
		assertThat(first).isEqualTo(new Receipt("r-1", "o-1", 500));
		assertThat(second).isEqualTo(first).isNotSameAs(first);
		assertThat(paymentsTarget.charges).hasValue(1);
	}

	@Test
	void idempotentAiShouldReplayGenericAndScalarReturnTypes() throws InterruptedException {
		Payments paymentsTarget = new Payments();
		Payments payments = proxy(paymentsTarget);
		List<Receipt> receipts = payments.batch("b-1");
		assertThat(payments.batch("b-1")).isEqualTo(receipts).first().isInstanceOf(Receipt.class);
		assertThat(payments.count("c")).isEqualTo(42);
		assertThat(payments.count("c")).isEqualTo(42);
		String label = payments.label("l");
		assertThat(payments.label("l")).isEqualTo(label).startsWith("label:");
		Map<String, Long> totals = payments.totals("t");
		assertThat(payments.totals("t")).isEqualTo(totals).containsKey("eur");
		assertThat(payments.totals("t").get("eur")).isInstanceOf(Long.class);
		Optional<Receipt> maybe = payments.maybe("m");
		assertThat(payments.maybe("m")).isEqualTo(maybe).get().isInstanceOf(Receipt.class);
	}

	@Test
	void idempotentAiFailureShouldReleaseTheLeaseAndRethrowByDefault() {
		Payments paymentsTarget = new Payments();
		Payments payments = proxy(paymentsTarget);
		paymentsTarget.failures.set(1);
		assertThatIllegalStateException().isThrownBy(() -> payments.charge("o-2", 1)).withMessage("gateway down");
		assertThat(payments.charge("o-2", 1)).isEqualTo(new Receipt("r-2", "o-2", 1));
		assertThat(paymentsTarget.charges).hasValue(2);
	}

	@Test
	void idempotentAiFailureListedInFailOnShouldBeTerminalForLaterCallers() {
		Payments paymentsTarget = new Payments();
		Payments payments = proxy(paymentsTarget);
		assertThatExceptionOfType(CardDeclinedException.class).isThrownBy(() -> payments.declined("o-3"));
		assertThatExceptionOfType(IdempotentExecutionFailedException.class).isThrownBy(() -> payments.declined("o-3"))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("card_declined"))
			.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo("declined:o-3"));
		assertThat(paymentsTarget.charges).hasValue(1);
	}

	@Test
	void idempotentAiShouldRethrowCheckedExceptionsUnchanged() {
		Payments paymentsTarget = new Payments();
		Payments payments = proxy(paymentsTarget);
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> payments.io("x")).withMessage("disk");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> payments.io("x"));
	}

	@Test
	void idempotentAiCallerWaitingLongerThanTheTimeoutShouldGetWaitTimeout() {
		Payments paymentsTarget = new Payments();
		Payments payments = proxy(paymentsTarget);
		AiRun held = this.client.ai().lease("slow:k", Duration.ofMinutes(5), null);
		assertThat(held.leaseId()).isNotNull();
		assertThatExceptionOfType(IdempotentWaitTimeoutException.class).isThrownBy(() -> payments.slow("k"))
			.satisfies((ex) -> assertThat(ex.getTimeout()).isEqualTo(Duration.ofMillis(50)));
		assertThat(paymentsTarget.charges).hasValue(0);
	}

	@Test
	void idempotentAiCallerThatDoesNotWaitShouldGetInProgress() {
		Payments paymentsTarget = new Payments();
		Payments payments = proxy(paymentsTarget);
		this.client.ai().lease("nowait:k", Duration.ofMinutes(5), null);
		assertThatExceptionOfType(IdempotentInProgressException.class).isThrownBy(() -> payments.noWait("k"))
			.isNotInstanceOf(IdempotentWaitTimeoutException.class);
	}

	@Test
	void idempotentAiLeaseHeldByACrashedCallerShouldBeTakenOverAfterItsTtl() {
		Payments paymentsTarget = new Payments();
		Payments payments = proxy(paymentsTarget);
		this.client.ai().lease("o-9", Duration.ofSeconds(30), null);
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(payments.charge("o-9", 9)).isEqualTo(new Receipt("r-1", "o-9", 9));
	}

	@Test
	void idempotentAiFailureRecordedElsewhereShouldRaiseExecutionFailed() {
		Payments payments = proxy(new Payments());
		AiRun held = this.client.ai().lease("o-10", Duration.ofMinutes(5), null);
		this.client.ai().fail("o-10", held.leaseId(), "stripe_error", null);
		assertThatExceptionOfType(IdempotentExecutionFailedException.class)
			.isThrownBy(() -> payments.charge("o-10", 10))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("stripe_error"));
	}

	@Test
	void idempotentAiWaitingCallerShouldRunTheMethodWhenTheHolderReleasesTheLease() throws Exception {
		Payments paymentsTarget = new Payments();
		Payments payments = proxy(paymentsTarget);
		AiRun held = this.client.ai().lease("o-11", Duration.ofMinutes(5), null);
		CompletableFuture<Receipt> waiter = CompletableFuture.supplyAsync(() -> payments.charge("o-11", 11));
		assertThat(waiter).isNotDone();
		this.client.ai().cancel("o-11", held.leaseId(), "transient failure");
		assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(new Receipt("r-1", "o-11", 11));
		assertThat(paymentsTarget.charges).hasValue(1);
	}

	@Test
	void idempotentAiMetadataMustEvaluateToAMap() {
		Payments paymentsTarget = new Payments();
		Payments payments = proxy(paymentsTarget);
		assertThat(payments.withMetadata("ok", Map.of("customer", "c-1"))).isEqualTo("ok");
		assertThatExceptionOfType(IdempotentKeyException.class)
			.isThrownBy(() -> payments.withMetadata("bad", "not a map"))
			.withMessageContaining("'#meta'")
			.withMessageContaining("not a Map");
	}

	@Test
	void idempotentAiCompletableFutureAndMonoShouldReplayTheTypedResult() throws Exception {
		Payments paymentsTarget = new Payments();
		Payments payments = proxy(paymentsTarget);
		Receipt first = payments.chargeAsync("o-4").get(5, TimeUnit.SECONDS);
		assertThat(payments.chargeAsync("o-4").get(5, TimeUnit.SECONDS)).isEqualTo(first);
		Receipt mono = payments.chargeMono("o-5").block(Duration.ofSeconds(5));
		assertThat(payments.chargeMono("o-5").block(Duration.ofSeconds(5))).isEqualTo(mono);
		assertThat(paymentsTarget.charges).hasValue(2);
	}

	@Test
	void idempotentAiAsyncFailureShouldReachTheCallerUnwrapped() {
		Payments paymentsTarget = new Payments();
		Payments payments = proxy(paymentsTarget);
		paymentsTarget.failures.set(2);
		assertThat(payments.chargeAsync("o-6")).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(IllegalStateException.class);
		assertThatIllegalStateException().isThrownBy(() -> payments.chargeMono("o-7").block(Duration.ofSeconds(5)))
			.withMessage("gateway down");
	}

	@Test
	void idempotentAiShouldRunOnceForSixteenConcurrentCallers() throws Exception {
		Payments paymentsTarget = new Payments();
		Payments payments = proxy(paymentsTarget);
		int callers = 16;
		CountDownLatch arrived = new CountDownLatch(callers);
		paymentsTarget.gate = arrived;
		ExecutorService pool = Executors.newFixedThreadPool(callers);
		try {
			List<Future<List<Receipt>>> results = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				results.add(pool.submit(() -> {
					arrived.countDown();
					return payments.batch("concurrent");
				}));
			}
			List<List<Receipt>> answers = new ArrayList<>();
			for (Future<List<Receipt>> result : results) {
				answers.add(result.get(30, TimeUnit.SECONDS));
			}
			assertThat(paymentsTarget.batches).hasValue(1);
			assertThat(answers).hasSize(callers).allSatisfy((answer) -> {
				assertThat(answer).isEqualTo(answers.get(0));
				assertThat(answer).first().isInstanceOf(Receipt.class);
			});
		}
		finally {
			pool.shutdownNow();
		}
	}

	// ---- fixtures

	record Receipt(String id, String orderId, long amountCents) {
	}

	record Tenant(String name) {
	}

	static class CardDeclinedException extends RuntimeException {

		CardDeclinedException() {
			super("declined");
		}

	}

	static class Mailer {

		final AtomicInteger sent = new AtomicInteger();

		@Idempotent(keyPrefix = "${mail.prefix}", key = "#to", dedupWindow = "${mail.ttl}")
		public String send(String to, String body) {
			return "sent:" + this.sent.incrementAndGet();
		}

		@Idempotent(key = "'strict:' + #p0", onDuplicate = OnDuplicate.THROW)
		public String strict(String orderId) {
			return "ok";
		}

		@Idempotent(key = "#a0", onDuplicate = OnDuplicate.FALLBACK, fallbackMethod = "alreadySent")
		public String withFallback(String orderId, int attempt) {
			return "sent:" + orderId;
		}

		String alreadySent(String orderId, int attempt) {
			return "already:" + orderId + ":" + attempt;
		}

		@Idempotent(key = "#root.methodName + ':' + #p0 + ':' + #a1 + ':' + #root.args.length + ':' + @tenant.name")
		public String rooted(String a, int b) {
			return "ok";
		}

		@Idempotent(key = "'async:' + #p0")
		public CompletableFuture<String> async(String key) {
			this.sent.incrementAndGet();
			return CompletableFuture.completedFuture("async:" + key);
		}

		@Idempotent(key = "'async-void:' + #p0")
		public CompletableFuture<Void> asyncVoid(String key) {
			this.sent.incrementAndGet();
			return CompletableFuture.completedFuture(null);
		}

		@Idempotent(key = "'strict-async:' + #p0", onDuplicate = OnDuplicate.THROW)
		public CompletableFuture<String> asyncStrict(String key) {
			return CompletableFuture.completedFuture("strict:" + key);
		}

		@Idempotent(key = "'mono-fallback:' + #p0", onDuplicate = OnDuplicate.FALLBACK, fallbackMethod = "monoAgain")
		public Mono<String> monoFallback(String key) {
			return Mono.just("first:" + key);
		}

		Mono<String> monoAgain(String key) {
			return Mono.just("fallback:" + key);
		}

		@Idempotent(key = "'mono:' + #p0", onDuplicate = OnDuplicate.RETURN_NULL)
		public Mono<String> mono(String key) {
			return Mono.fromSupplier(() -> {
				this.sent.incrementAndGet();
				return "mono:" + key;
			});
		}

	}

	static class Primitive {

		@Idempotent(key = "#p0", onDuplicate = OnDuplicate.RETURN_NULL)
		public int count(String key) {
			return 1;
		}

	}

	static class Digests {

		final AtomicInteger calls = new AtomicInteger();

		@Idempotent
		public void welcome(String email, String subject) {
			this.calls.incrementAndGet();
		}

		@Idempotent(keyId = "billing.charge")
		public void charge(String customer) {
			this.calls.incrementAndGet();
		}

	}

	@Idempotent(key = "#p0", keyPrefix = "class")
	static class ClassLevel {

		public String handle(String event) {
			return "handled:" + event;
		}

		public Optional<String> optional(String event) {
			return Optional.of(event);
		}

	}

	static class Payments {

		final AtomicInteger charges = new AtomicInteger();

		final AtomicInteger batches = new AtomicInteger();

		final AtomicInteger failures = new AtomicInteger();

		private final AtomicInteger labels = new AtomicInteger();

		volatile CountDownLatch gate = new CountDownLatch(0);

		@IdempotentAi(key = "#orderId")
		public Receipt charge(String orderId, long amountCents) {
			int n = this.charges.incrementAndGet();
			if (this.failures.getAndUpdate((f) -> Math.max(0, f - 1)) > 0) {
				throw new IllegalStateException("gateway down");
			}
			return new Receipt("r-" + n, orderId, amountCents);
		}

		@IdempotentAi(key = "'batch:' + #p0")
		public List<Receipt> batch(String id) throws InterruptedException {
			this.gate.await(10, TimeUnit.SECONDS);
			this.batches.incrementAndGet();
			return List.of(new Receipt("r-a", id, 1), new Receipt("r-b", id, 2));
		}

		@IdempotentAi(key = "'count:' + #p0")
		public int count(String id) {
			return 42 + this.labels.getAndIncrement();
		}

		@IdempotentAi(key = "'label:' + #p0")
		public String label(String id) {
			return "label:" + this.labels.incrementAndGet();
		}

		@IdempotentAi(key = "'totals:' + #p0")
		public Map<String, Long> totals(String id) {
			return Map.of("eur", 10L + this.labels.getAndIncrement());
		}

		@IdempotentAi(key = "'maybe:' + #p0")
		public Optional<Receipt> maybe(String id) {
			return Optional.of(new Receipt("r-" + id, id, 1 + this.labels.getAndIncrement()));
		}

		@IdempotentAi(key = "'declined:' + #p0", failOn = CardDeclinedException.class, errorCode = "card_declined")
		public Receipt declined(String orderId) {
			this.charges.incrementAndGet();
			throw new CardDeclinedException();
		}

		@IdempotentAi(key = "'io:' + #p0")
		public String io(String id) throws IOException {
			throw new IOException("disk");
		}

		@IdempotentAi(key = "'slow:' + #p0", timeout = "50ms")
		public String slow(String id) {
			this.charges.incrementAndGet();
			return id;
		}

		@IdempotentAi(key = "'nowait:' + #p0", waitOnConflict = false)
		public String noWait(String id) {
			return id;
		}

		@IdempotentAi(key = "'meta:' + #p0", metadata = "#meta")
		public String withMetadata(String id, Object meta) {
			return id;
		}

		@IdempotentAi(key = "'async:' + #p0")
		public CompletableFuture<Receipt> chargeAsync(String orderId) {
			return CompletableFuture.supplyAsync(() -> charge(orderId, 5));
		}

		@IdempotentAi(key = "'mono:' + #p0")
		public Mono<Receipt> chargeMono(String orderId) {
			return Mono.fromSupplier(() -> charge(orderId, 6));
		}

	}

}
