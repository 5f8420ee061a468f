package tech.onceonly.spring.web.backends;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.spring.annotation.IdempotencyKey;
import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.annotation.WebhookProvider;
import tech.onceonly.spring.web.Polling;
import tech.onceonly.spring.web.idempotency.DefaultIdempotencyKeyScopeResolver;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyFilter;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyInterceptor;
import tech.onceonly.spring.web.idempotency.IdempotencyKeySettings;
import tech.onceonly.spring.web.idempotency.StoredResponseEntries;
import tech.onceonly.spring.web.reactive.ReactiveWebClients;
import tech.onceonly.spring.web.webhook.Signing;
import tech.onceonly.spring.web.webhook.WebhookBodyCachingFilter;
import tech.onceonly.spring.web.webhook.WebhookIdempotencyInterceptor;
import tech.onceonly.spring.web.webhook.WebhookSecrets;
import tech.onceonly.spring.web.webhook.WebhookSettings;
import tech.onceonly.spring.web.webhook.WebhookVerification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * The webhook and Idempotency-Key HTTP guarantees on every local backend (in-memory, JDBC
 * on PostgreSQL and MariaDB, Redis and the Redis Cluster; H2 for the replay cases), on
 * Spring MVC and WebFlux: many concurrent copies of one delivery or request run the
 * handler once, the others get 409 while it runs and a replay afterwards, and a forged
 * delivery never reaches the store.
 */
class WebBackendTests {

	private static final int COPIES = 12;

	private static final int ANSWERS = 30;

	private static final String SECRET = "whsec_backend_test";

	private final ExecutorService pool = Executors.newFixedThreadPool(COPIES);

	private final Gate gate = new Gate(COPIES - 1);

	private WebBackend backend;

	@AfterEach
	void tearDown() throws Exception {
		this.gate.slowRelease.countDown();
		this.pool.shutdownNow();
		if (this.backend != null) {
			this.backend.close();
		}
	}

	private WebhookVerification verification() {
		return new WebhookVerification(Map.of("stripe", WebhookSecrets.of(SECRET)), Clock.systemUTC());
	}

	private MockMvc mvc(String name) {
		this.backend = WebBackend.open(name);
		IdempotencyKeySettings keys = IdempotencyKeySettings.defaults();
		return MockMvcBuilders.standaloneSetup(this.gate)
			.addFilters(new WebhookBodyCachingFilter(1024 * 1024),
					new IdempotencyKeyFilter(this.backend.onceOnly, keys))
			.addInterceptors(
					new WebhookIdempotencyInterceptor(this.backend.onceOnly, WebhookSettings.defaults(), null,
							Heartbeats.shared(), LeaseEvents.LOGGING, verification()),
					new IdempotencyKeyInterceptor(this.backend.onceOnly, keys,
							new DefaultIdempotencyKeyScopeResolver("X-Tenant"), null))
			.build();
	}

	private WebTestClient webFlux(String name) {
		this.backend = WebBackend.open(name);
		return ReactiveWebClients.client(this.backend.onceOnly, verification(), this.gate);
	}

	private static String event(String id) {
		return "{\"id\":\"" + id + "\",\"type\":\"invoice.paid\"}";
	}

	private static String stripeSignature(String body) {
		return Signing.stripe(SECRET, System.currentTimeMillis() / 1000, body);
	}

	/**
	 * Runs {@code COPIES} copies at once; the gate holds the first until the rest
	 * answered.
	 */
	private List<Integer> concurrently(Callable<Integer> copy) throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Integer>> answers = new ArrayList<>();
		for (int i = 0; i < COPIES; i++) {
			answers.add(this.pool.submit(() -> {
				start.await();
				int status = copy.call();
				if (status == 409) {
					this.gate.others.countDown();
				}
				return status;
			}));
		}
		start.countDown();
		List<Integer> statuses = new ArrayList<>();
		for (Future<Integer> answer : answers) {
			statuses.add(answer.get(60, TimeUnit.SECONDS));
		}
		return statuses;
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "postgres", "mariadb", "redis", "redis-cluster" })
	void concurrentSignedWebhookCopiesShouldRunOnceOnSpringMvc(String name) throws Exception {
		MockMvc mvc = mvc(name);
		String body = event("evt_" + UUID.randomUUID());
		List<Integer> statuses = concurrently(() -> mvc
			.perform(post("/hooks/stripe").contentType(MediaType.APPLICATION_JSON)
				.header("Stripe-Signature", stripeSignature(body))
				.content(body))
			.andReturn()
			.getResponse()
			.getStatus());
		assertThat(statuses).containsOnly(200, 409).filteredOn((s) -> s == 200).hasSize(1);
		assertThat(this.gate.webhooks.get()).isEqualTo(1);
		MockHttpServletResponse redelivery = mvc
			.perform(post("/hooks/stripe").contentType(MediaType.APPLICATION_JSON)
				.header("Stripe-Signature", stripeSignature(body))
				.content(body))
			.andReturn()
			.getResponse();
		assertThat(redelivery.getStatus()).isEqualTo(200);
		assertThat(redelivery.getContentAsString()).contains("duplicate");
		assertThat(this.gate.webhooks.get()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "postgres", "mariadb", "redis", "redis-cluster" })
	void forgedWebhookShouldNotReachTheStoreOnSpringMvc(String name) throws Exception {
		MockMvc mvc = mvc(name);
		String body = event("evt_" + UUID.randomUUID());
		int status = mvc
			.perform(post("/hooks/stripe").contentType(MediaType.APPLICATION_JSON)
				.header("Stripe-Signature", Signing.stripe("whsec_forged", System.currentTimeMillis() / 1000, body))
				.content(body))
			.andReturn()
			.getResponse()
			.getStatus();
		assertThat(status).isEqualTo(401);
		assertThat(this.backend.store.leases()).isZero();
		assertThat(this.gate.webhooks.get()).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "postgres", "mariadb", "redis", "redis-cluster" })
	void concurrentIdempotencyKeyCopiesShouldRunOnceAndReplayOnSpringMvc(String name) throws Exception {
		MockMvc mvc = mvc(name);
		String key = "\"" + UUID.randomUUID() + "\"";
		List<Integer> statuses = concurrently(() -> mvc
			.perform(post("/transfers?amount=5").header("Idempotency-Key", key)
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"to\":\"acct_1\"}"))
			.andReturn()
			.getResponse()
			.getStatus());
		assertThat(statuses).containsOnly(201, 409).filteredOn((s) -> s == 201).hasSize(1);
		MockHttpServletResponse replay = mvc
			.perform(post("/transfers?amount=5").header("Idempotency-Key", key)
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"to\":\"acct_1\"}"))
			.andReturn()
			.getResponse();
		assertThat(replay.getStatus()).isEqualTo(201);
		assertThat(replay.getHeader("Idempotent-Replayed")).isEqualTo("true");
		assertThat(replay.getContentAsString()).isEqualTo("{\"transfer\":1}");
		int other = mvc
			.perform(post("/transfers?amount=500").header("Idempotency-Key", key)
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"to\":\"acct_1\"}"))
			.andReturn()
			.getResponse()
			.getStatus();
		assertThat(other).isEqualTo(422);
		assertThat(this.gate.transfers.get()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "postgres", "mariadb", "redis", "redis-cluster" })
	void concurrentCopiesShouldRunOnceOnWebFlux(String name) throws Exception {
		WebTestClient client = webFlux(name);
		String body = event("evt_" + UUID.randomUUID());
		List<Integer> hooks = concurrently(() -> client.post()
			.uri("/hooks/stripe")
			.contentType(MediaType.APPLICATION_JSON)
			.header("Stripe-Signature", stripeSignature(body))
			.bodyValue(body)
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value());
		assertThat(hooks).containsOnly(200, 409).filteredOn((s) -> s == 200).hasSize(1);
		assertThat(this.gate.webhooks.get()).isEqualTo(1);
		int leases = this.backend.store.leases();
		client.post()
			.uri("/hooks/stripe")
			.contentType(MediaType.APPLICATION_JSON)
			.header("Stripe-Signature", Signing.stripe("whsec_forged", System.currentTimeMillis() / 1000, body))
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isUnauthorized();
		assertThat(this.backend.store.leases()).isEqualTo(leases);

		Gate second = this.gate.reset();
		String key = "\"" + UUID.randomUUID() + "\"";
		List<Integer> transfers = concurrently(() -> client.post()
			.uri("/transfers?amount=5")
			.header("Idempotency-Key", key)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"to\":\"acct_1\"}")
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value());
		assertThat(transfers).containsOnly(201, 409).filteredOn((s) -> s == 201).hasSize(1);
		client.post()
			.uri("/transfers?amount=5")
			.header("Idempotency-Key", key)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"to\":\"acct_1\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true")
			.expectBody(String.class)
			.isEqualTo("{\"transfer\":1}");
		client.post()
			.uri("/transfers?amount=500")
			.header("Idempotency-Key", key)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"to\":\"acct_1\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(422);
		assertThat(second.transfers.get()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "postgres", "mariadb", "redis", "redis-cluster" })
	void slowHandlerShouldKeepItsOneSecondLeaseByHeartbeatsWhileTheStoreClockMoves(String name) throws Exception {
		MockMvc mvc = mvc(name);
		String id = "d-" + UUID.randomUUID();
		Future<Integer> first = this.pool.submit(() -> mvc.perform(post("/hooks/slow").header("X-GitHub-Delivery", id))
			.andReturn()
			.getResponse()
			.getStatus());
		assertThat(this.gate.slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
		for (int i = 0; i < 4; i++) {
			this.backend.advance(Duration.ofMillis(700));
			Instant moved = this.backend.store.now();
			Polling.await("a heartbeat after the store clock moved", Duration.ofSeconds(5),
					() -> this.backend.store.extendedSince(moved));
		}
		int retry = mvc.perform(post("/hooks/slow").header("X-GitHub-Delivery", id))
			.andReturn()
			.getResponse()
			.getStatus();
		assertThat(retry).isEqualTo(409);
		this.gate.slowRelease.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(200);
		assertThat(this.backend.onceOnly.ai().status("webhook:github:" + id).status()).isEqualTo("completed");
		assertThat(this.gate.slowRuns.get()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "postgres", "mariadb", "redis", "redis-cluster" })
	void clientThatDisconnectsShouldNotCancelTheDeliveryOnWebFlux(String name) throws Exception {
		this.backend = WebBackend.open(name);
		Detachable detachable = new Detachable();
		try (AnnotationConfigApplicationContext context = ReactiveWebClients.context(this.backend.onceOnly,
				WebhookVerification.none(), detachable)) {
			HttpHandler app = ReactiveWebClients.httpHandler(context);
			String id = "d-" + UUID.randomUUID();
			Disposable first = app.handle(delivery(id), new MockServerHttpResponse()).subscribe();
			assertThat(detachable.started.await(10, TimeUnit.SECONDS)).isTrue();
			first.dispose();
			MockServerHttpResponse copy = new MockServerHttpResponse();
			app.handle(delivery(id), copy).block(Duration.ofSeconds(10));
			assertThat(copy.getStatusCode().value()).isEqualTo(409);
			assertThat(this.backend.store.cancels()).isZero();
			detachable.release.tryEmitValue("done");
			Polling.await("the detached delivery to complete", Duration.ofSeconds(10),
					() -> "completed".equals(this.backend.onceOnly.ai().status("webhook:github:" + id).status()));
			MockServerHttpResponse redelivery = new MockServerHttpResponse();
			app.handle(delivery(id), redelivery).block(Duration.ofSeconds(10));
			assertThat(redelivery.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
			assertThat(detachable.runs.get()).isEqualTo(1);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "h2", "postgres", "mariadb", "redis", "redis-cluster" })
	void everyStoredResponseShouldReplayItsBytesAndHeadersOnSpringMvc(String name) throws Exception {
		MockMvc mvc = mvc(name);
		long seed = System.nanoTime();
		Random random = new Random(seed);
		for (int i = 0; i < ANSWERS; i++) {
			Answer answer = Answer.random(random);
			String key = "\"" + UUID.randomUUID() + "\"";
			MockHttpServletResponse first = mvc.perform(answer.mvc(key)).andReturn().getResponse();
			MockHttpServletResponse replay = mvc.perform(answer.mvc(key)).andReturn().getResponse();
			String where = "seed " + seed + ", answer " + i + " (" + answer + ")";
			assertThat(first.getStatus()).as(where).isEqualTo(answer.status);
			assertThat(first.getContentAsByteArray()).as(where).isEqualTo(answer.body);
			assertThat(replay.getHeader("Idempotent-Replayed")).as(where).isEqualTo("true");
			assertThat(replay.getStatus()).as(where).isEqualTo(first.getStatus());
			assertThat(replay.getHeaders("Content-Type")).as(where).isEqualTo(first.getHeaders("Content-Type"));
			assertThat(replay.getContentAsByteArray()).as(where).isEqualTo(first.getContentAsByteArray());
		}
		assertThat(this.gate.answers.get()).isEqualTo(ANSWERS);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "h2", "postgres", "mariadb", "redis", "redis-cluster" })
	void everyStoredResponseShouldReplayItsBytesAndHeadersOnWebFlux(String name) {
		WebTestClient client = webFlux(name);
		long seed = System.nanoTime();
		Random random = new Random(seed);
		for (int i = 0; i < ANSWERS; i++) {
			Answer answer = Answer.random(random);
			String key = "\"" + UUID.randomUUID() + "\"";
			EntityExchangeResult<byte[]> first = answer.webFlux(client, key);
			EntityExchangeResult<byte[]> replay = answer.webFlux(client, key);
			String where = "seed " + seed + ", answer " + i + " (" + answer + ")";
			assertThat(first.getStatus().value()).as(where).isEqualTo(answer.status);
			assertThat(bytes(first)).as(where).isEqualTo(answer.body);
			assertThat(replay.getResponseHeaders().getFirst("Idempotent-Replayed")).as(where).isEqualTo("true");
			assertThat(replay.getStatus()).as(where).isEqualTo(first.getStatus());
			assertThat(replay.getResponseHeaders().get("Content-Type")).as(where)
				.isEqualTo(first.getResponseHeaders().get("Content-Type"));
			assertThat(bytes(replay)).as(where).isEqualTo(bytes(first));
		}
		assertThat(this.gate.answers.get()).isEqualTo(ANSWERS);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "h2", "postgres", "mariadb", "redis", "redis-cluster" })
	void aVersionOneEntryShouldReplayByteIdenticallyOnSpringMvcAndWebFlux(String name) throws Exception {
		MockMvc mvc = mvc(name);
		String clientKey = UUID.randomUUID().toString();
		StoredResponseEntries.plant(this.backend.onceOnly, clientKey, StoredResponseEntries.VERSION_1);
		MockHttpServletResponse replay = mvc
			.perform(post(StoredResponseEntries.PATH).header("Idempotency-Key", "\"" + clientKey + "\"")
				.contentType(MediaType.APPLICATION_JSON)
				.content(StoredResponseEntries.PAYMENT))
			.andReturn()
			.getResponse();
		assertThat(replay.getStatus()).isEqualTo(201);
		assertThat(replay.getHeader("Idempotent-Replayed")).isEqualTo("true");
		assertThat(replay.getHeader("Location")).isEqualTo("/orders/1");
		assertThat(replay.getHeaders("Content-Type")).containsExactly("application/json");
		assertThat(replay.getContentAsByteArray())
			.isEqualTo(StoredResponseEntries.FIRST_BODY.getBytes(StandardCharsets.UTF_8));
		ReactiveWebClients.client(this.backend.onceOnly, verification(), this.gate)
			.post()
			.uri(StoredResponseEntries.PATH)
			.header("Idempotency-Key", "\"" + clientKey + "\"")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(StoredResponseEntries.PAYMENT)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true")
			.expectHeader()
			.valueEquals("Location", "/orders/1")
			.expectHeader()
			.valueEquals("Content-Type", "application/json")
			.expectBody(byte[].class)
			.isEqualTo(StoredResponseEntries.FIRST_BODY.getBytes(StandardCharsets.UTF_8));
		assertThat(this.gate.orders.get()).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "h2", "postgres", "mariadb", "redis", "redis-cluster" })
	void anEntryOfANewerFormatShouldBeRefusedWithRetryAfterOnSpringMvcAndWebFlux(String name) throws Exception {
		MockMvc mvc = mvc(name);
		String clientKey = UUID.randomUUID().toString();
		StoredResponseEntries.plant(this.backend.onceOnly, clientKey,
				"{\"v\":3,\"status\":201,\"fp\":\"any\",\"text\":\"a body in a format from the future\"}");
		for (int attempt = 0; attempt < 2; attempt++) {
			MockHttpServletResponse refused = mvc
				.perform(post(StoredResponseEntries.PATH).header("Idempotency-Key", "\"" + clientKey + "\"")
					.contentType(MediaType.APPLICATION_JSON)
					.content(StoredResponseEntries.PAYMENT))
				.andReturn()
				.getResponse();
			assertThat(refused.getStatus()).isEqualTo(409);
			assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
			assertThat(refused.getHeader("Idempotent-Replayed")).isNull();
			assertThat(refused.getContentType()).isEqualTo("application/problem+json");
			assertThat(refused.getContentAsString()).contains("idempotency-key-newer-format").doesNotContain("future");
		}
		ReactiveWebClients.client(this.backend.onceOnly, verification(), this.gate)
			.post()
			.uri(StoredResponseEntries.PATH)
			.header("Idempotency-Key", "\"" + clientKey + "\"")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(StoredResponseEntries.PAYMENT)
			.exchange()
			.expectStatus()
			.isEqualTo(409)
			.expectHeader()
			.valueEquals("Retry-After", "1")
			.expectHeader()
			.doesNotExist("Idempotent-Replayed")
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("idempotency-key-newer-format"));
		assertThat(this.gate.orders.get()).isZero();
		assertThat(this.backend.store.cancels()).isZero();
	}

	private static byte[] bytes(EntityExchangeResult<byte[]> result) {
		byte[] body = result.getResponseBody();
		return (body != null) ? body : new byte[0];
	}

	/** A random answer the echo handler gives: its status, content type and body. */
	private record Answer(int status, @Nullable String contentType, byte[] body) {

		private static final int[] STATUSES = { 200, 201, 202, 400, 404, 422 };

		static Answer random(Random random) {
			byte[] body = StoredResponseEntries.randomBody(random);
			String type = (random.nextInt(6) != 0)
					? StoredResponseEntries.CONTENT_TYPES[random.nextInt(StoredResponseEntries.CONTENT_TYPES.length)]
					: null;
			return new Answer(STATUSES[random.nextInt(STATUSES.length)], type, (body != null) ? body : new byte[0]);
		}

		MockHttpServletRequestBuilder mvc(String key) {
			MockHttpServletRequestBuilder request = post("/answers").header("Idempotency-Key", key)
				.header("X-Answer-Status", this.status)
				.contentType(MediaType.APPLICATION_OCTET_STREAM)
				.content(this.body);
			return (this.contentType != null) ? request.header("X-Answer-Type", this.contentType) : request;
		}

		EntityExchangeResult<byte[]> webFlux(WebTestClient client, String key) {
			return client.post()
				.uri("/answers")
				.header("Idempotency-Key", key)
				.header("X-Answer-Status", Integer.toString(this.status))
				.headers((headers) -> {
					if (this.contentType != null) {
						headers.set("X-Answer-Type", this.contentType);
					}
				})
				.contentType(MediaType.APPLICATION_OCTET_STREAM)
				.bodyValue(this.body)
				.exchange()
				.expectBody(byte[].class)
				.returnResult();
		}

		@Override
		public String toString() {
			return this.status + ", " + this.contentType + ", " + this.body.length + " bytes";
		}

	}

	private static MockServerHttpRequest delivery(String id) {
		return MockServerHttpRequest.post("/hooks/detachable").header("X-GitHub-Delivery", id).build();
	}

	/** A webhook handler whose answer waits for {@code release}. */
	@RestController
	static class Detachable {

		final CountDownLatch started = new CountDownLatch(1);

		final Sinks.One<String> release = Sinks.one();

		final AtomicInteger runs = new AtomicInteger();

		@PostMapping("/hooks/detachable")
		@IdempotentWebhook(provider = WebhookProvider.GITHUB)
		Mono<String> handle() {
			this.runs.incrementAndGet();
			this.started.countDown();
			return this.release.asMono();
		}

	}

	/**
	 * Handlers that hold until every other copy has been answered 409, so the copies
	 * overlap for sure.
	 */
	@RestController
	static class Gate {

		final AtomicInteger webhooks = new AtomicInteger();

		final AtomicInteger transfers = new AtomicInteger();

		volatile CountDownLatch others;

		private final int copies;

		Gate(int copies) {
			this.copies = copies;
			this.others = new CountDownLatch(copies);
		}

		Gate reset() {
			this.others = new CountDownLatch(this.copies);
			return this;
		}

		@PostMapping("/hooks/stripe")
		@IdempotentWebhook(provider = WebhookProvider.STRIPE)
		Map<String, Object> stripe(@RequestBody String body) throws InterruptedException {
			this.webhooks.incrementAndGet();
			this.others.await(30, TimeUnit.SECONDS);
			return Map.of("received", true);
		}

		final CountDownLatch slowStarted = new CountDownLatch(1);

		final CountDownLatch slowRelease = new CountDownLatch(1);

		final AtomicInteger slowRuns = new AtomicInteger();

		@PostMapping("/hooks/slow")
		@IdempotentWebhook(provider = WebhookProvider.GITHUB, leaseTtlSeconds = 1)
		String slow() throws InterruptedException {
			this.slowRuns.incrementAndGet();
			this.slowStarted.countDown();
			this.slowRelease.await(30, TimeUnit.SECONDS);
			return "ok";
		}

		final AtomicInteger answers = new AtomicInteger();

		final AtomicInteger orders = new AtomicInteger();

		/**
		 * Answers with the status and content type the request asks for, and its body.
		 */
		@PostMapping("/answers")
		@IdempotencyKey
		ResponseEntity<byte[]> answer(@RequestBody(required = false) byte @Nullable [] body,
				@RequestHeader("X-Answer-Status") int status,
				@RequestHeader(name = "X-Answer-Type", required = false) @Nullable String type) {
			this.answers.incrementAndGet();
			ResponseEntity.BodyBuilder answer = ResponseEntity.status(status);
			if (type != null) {
				answer.header("Content-Type", type);
			}
			return answer.body((body != null) ? body : new byte[0]);
		}

		/** Must not run: its keys are planted with a stored response. */
		@PostMapping("/orders")
		@IdempotencyKey
		ResponseEntity<String> order(@RequestBody String body) {
			this.orders.incrementAndGet();
			return ResponseEntity.status(201).body("{\"id\":\"from the handler\"}");
		}

		@PostMapping("/transfers")
		@IdempotencyKey
		ResponseEntity<String> transfer(@RequestBody String body) throws InterruptedException {
			int n = this.transfers.incrementAndGet();
			this.others.await(30, TimeUnit.SECONDS);
			return ResponseEntity.status(201).contentType(MediaType.APPLICATION_JSON).body("{\"transfer\":" + n + "}");
		}

	}

}
