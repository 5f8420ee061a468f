package tech.onceonly.webguard;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.remote.RemoteOnceOnly;
import tech.onceonly.client.remote.RemoteOnceOnlySettings;
import tech.onceonly.server.ApiClient;
import tech.onceonly.server.ServerTest;
import tech.onceonly.spring.annotation.IdempotencyKey;
import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.annotation.WebhookProvider;
import tech.onceonly.spring.web.Polling;
import tech.onceonly.spring.web.idempotency.DefaultIdempotencyKeyScopeResolver;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyFilter;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyInterceptor;
import tech.onceonly.spring.web.idempotency.IdempotencyKeySettings;
import tech.onceonly.spring.web.reactive.ReactiveWebClients;
import tech.onceonly.spring.web.webhook.Signing;
import tech.onceonly.spring.web.webhook.WebhookBodyCachingFilter;
import tech.onceonly.spring.web.webhook.WebhookIdempotencyInterceptor;
import tech.onceonly.spring.web.webhook.WebhookSecrets;
import tech.onceonly.spring.web.webhook.WebhookSettings;
import tech.onceonly.spring.web.webhook.WebhookVerification;
import tech.onceonly.store.FaultyStore;
import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * The webhook and Idempotency-Key HTTP guarantees of the library's
 * {@code WebBackendTests} (memory, PostgreSQL, Redis) on the remaining backend: the
 * remote client against a real {@code onceonly-server} (in-memory store on a movable
 * clock). On Spring MVC and WebFlux: many concurrent copies of one delivery or request
 * run the handler once, the others get 409 and a replay afterwards; a forged delivery
 * never reaches the server; a slow handler keeps its one-second lease by heartbeats while
 * the server's clock moves.
 */
@ServerTest
class RemoteWebGuardsTests {

	private static final int COPIES = 12;

	private static final String SECRET = "whsec_remote_web_test";

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	@Autowired
	FaultyStore store;

	private final ExecutorService pool = Executors.newFixedThreadPool(COPIES);

	private final Gate gate = new Gate(COPIES - 1);

	private RemoteOnceOnly remote;

	private ApiClient api;

	@BeforeEach
	void setUp() {
		this.remote = new RemoteOnceOnly(RemoteOnceOnlySettings.builder("test-key-contract")
			.baseUrl("http://localhost:" + this.port + "/v1")
			.timeout(Duration.ofSeconds(30))
			.failOpen(false)
			.maxRetries(0)
			.build(), WebClient.builder(), JsonMapper.builder().build(), LeaseEvents.LOGGING);
		this.api = new ApiClient(this.port, "test-key-contract");
	}

	@AfterEach
	void tearDown() {
		this.gate.slowRelease.countDown();
		this.pool.shutdownNow();
		this.remote.close();
	}

	private WebhookVerification verification() {
		return new WebhookVerification(Map.of("stripe", WebhookSecrets.of(SECRET)), Clock.systemUTC());
	}

	private MockMvc mvc() {
		IdempotencyKeySettings keys = IdempotencyKeySettings.defaults();
		return MockMvcBuilders.standaloneSetup(this.gate)
			.addFilters(new WebhookBodyCachingFilter(1024 * 1024), new IdempotencyKeyFilter(this.remote, keys))
			.addInterceptors(
					new WebhookIdempotencyInterceptor(this.remote, WebhookSettings.defaults(), null,
							Heartbeats.shared(), LeaseEvents.LOGGING, verification()),
					new IdempotencyKeyInterceptor(this.remote, keys, new DefaultIdempotencyKeyScopeResolver("X-Tenant"),
							null))
			.build();
	}

	private static String event(String id) {
		return "{\"id\":\"" + id + "\",\"type\":\"invoice.paid\"}";
	}

	private static String stripeSignature(String body) {
		return Signing.stripe(SECRET, System.currentTimeMillis() / 1000, body);
	}

	private String serverStatus(String key) {
		return (String) this.api.get("/v1/ai/status?key=" + key).json().get("status");
	}

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

	@Test
	void concurrentSignedWebhookCopiesShouldRunOnceOnSpringMvc() throws Exception {
		MockMvc mvc = mvc();
		String id = "evt_" + UUID.randomUUID();
		String body = event(id);
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
		assertThat(serverStatus("webhook:stripe:" + id)).isEqualTo("completed");
	}

	@Test
	void forgedWebhookShouldNotReachTheServerOnSpringMvc() throws Exception {
		MockMvc mvc = mvc();
		String id = "evt_" + UUID.randomUUID();
		String body = event(id);
		int status = mvc
			.perform(post("/hooks/stripe").contentType(MediaType.APPLICATION_JSON)
				.header("Stripe-Signature", Signing.stripe("whsec_forged", System.currentTimeMillis() / 1000, body))
				.content(body))
			.andReturn()
			.getResponse()
			.getStatus();
		assertThat(status).isEqualTo(401);
		assertThat(this.gate.webhooks.get()).isZero();
		assertThat(this.store.delegate().getLease("t:contract:webhook:stripe:" + id)).isNull();
	}

	@Test
	void concurrentIdempotencyKeyCopiesShouldRunOnceAndReplayOnSpringMvc() throws Exception {
		MockMvc mvc = mvc();
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

	@Test
	void concurrentCopiesShouldRunOnceOnWebFlux() throws Exception {
		// every copy asks the server: more time than the default 5 s on a loaded machine
		WebTestClient client = ReactiveWebClients.client(this.remote, verification(), new ReactiveGate(this.gate))
			.mutate()
			.responseTimeout(Duration.ofSeconds(60))
			.build();
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
		assertThat(second.transfers.get()).isEqualTo(1);
	}

	@Test
	void slowHandlerShouldKeepItsOneSecondLeaseByHeartbeatsWhileTheServerClockMoves() throws Exception {
		MockMvc mvc = mvc();
		String id = "d-" + UUID.randomUUID();
		String stored = "t:contract:webhook:github:" + id;
		Future<Integer> first = this.pool.submit(() -> mvc.perform(post("/hooks/slow").header("X-GitHub-Delivery", id))
			.andReturn()
			.getResponse()
			.getStatus());
		assertThat(this.gate.slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
		for (int i = 0; i < 4; i++) {
			this.clock.advance(Duration.ofMillis(700));
			// a heartbeat after the move extends the lease to a full second from the
			// server's new now
			Polling.await("a heartbeat after the server clock moved", Duration.ofSeconds(10), () -> {
				LeaseRecord lease = this.store.delegate().getLease(stored);
				return lease != null && lease.expiresAt().isAfter(this.clock.instant().plusMillis(500));
			});
		}
		int retry = mvc.perform(post("/hooks/slow").header("X-GitHub-Delivery", id))
			.andReturn()
			.getResponse()
			.getStatus();
		assertThat(retry).isEqualTo(409);
		this.gate.slowRelease.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(200);
		assertThat(serverStatus("webhook:github:" + id)).isEqualTo("completed");
		assertThat(this.gate.slowRuns.get()).isEqualTo(1);
	}

	@Test
	void slowIdempotencyKeyHandlerShouldKeepItsOneSecondLeaseWhileTheServerClockMoves() throws Exception {
		MockMvc mvc = mvc();
		String key = "\"" + UUID.randomUUID() + "\"";
		FaultyStore.Rule extends_ = this.store.on(FaultyStore.Op.EXTEND_LEASE)
			.forKeys((stored) -> stored.startsWith("t:contract:idempotency-key:"))
			.passThrough();
		try {
			Future<MockHttpServletResponse> first = this.pool.submit(
					() -> mvc
						.perform(post("/slow-transfers").header("Idempotency-Key", key)
							.contentType(MediaType.APPLICATION_JSON)
							.content("{\"amount\":5}"))
						.andReturn()
						.getResponse());
			assertThat(this.gate.slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
			for (int i = 0; i < 4; i++) {
				this.clock.advance(Duration.ofMillis(700));
				int before = extends_.applied();
				Polling.await("a heartbeat after the server clock moved", Duration.ofSeconds(10),
						() -> extends_.applied() > before);
			}
			MockHttpServletResponse retry = mvc
				.perform(post("/slow-transfers").header("Idempotency-Key", key)
					.contentType(MediaType.APPLICATION_JSON)
					.content("{\"amount\":5}"))
				.andReturn()
				.getResponse();
			assertThat(retry.getStatus()).isEqualTo(409);
			this.gate.slowRelease.countDown();
			assertThat(first.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(201);
			MockHttpServletResponse replay = mvc
				.perform(post("/slow-transfers").header("Idempotency-Key", key)
					.contentType(MediaType.APPLICATION_JSON)
					.content("{\"amount\":5}"))
				.andReturn()
				.getResponse();
			assertThat(replay.getStatus()).isEqualTo(201);
			assertThat(replay.getHeader("Idempotent-Replayed")).isEqualTo("true");
			assertThat(this.gate.slowRuns.get()).isEqualTo(1);
		}
		finally {
			extends_.remove();
		}
	}

	/**
	 * The {@link Gate} for WebFlux: it waits off the event loop, which also carries the
	 * remote client's answers from the server.
	 */
	@RestController
	static class ReactiveGate {

		private final Gate gate;

		ReactiveGate(Gate gate) {
			this.gate = gate;
		}

		@PostMapping("/hooks/stripe")
		@IdempotentWebhook(provider = WebhookProvider.STRIPE)
		Mono<Map<String, Object>> stripe(@RequestBody String body) {
			return Mono.fromCallable(() -> this.gate.stripe(body)).subscribeOn(Schedulers.boundedElastic());
		}

		@PostMapping("/transfers")
		@IdempotencyKey
		Mono<ResponseEntity<String>> transfer(@RequestBody String body) {
			return Mono.fromCallable(() -> this.gate.transfer(body)).subscribeOn(Schedulers.boundedElastic());
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

		final CountDownLatch slowStarted = new CountDownLatch(1);

		final CountDownLatch slowRelease = new CountDownLatch(1);

		final AtomicInteger slowRuns = new AtomicInteger();

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

		@PostMapping("/hooks/slow")
		@IdempotentWebhook(provider = WebhookProvider.GITHUB, leaseTtlSeconds = 1)
		String slow() throws InterruptedException {
			this.slowRuns.incrementAndGet();
			this.slowStarted.countDown();
			this.slowRelease.await(30, TimeUnit.SECONDS);
			return "ok";
		}

		@PostMapping("/slow-transfers")
		@IdempotencyKey(leaseTtlSeconds = 1)
		ResponseEntity<String> slowTransfer(@RequestBody String body) throws InterruptedException {
			this.slowRuns.incrementAndGet();
			this.slowStarted.countDown();
			this.slowRelease.await(30, TimeUnit.SECONDS);
			return ResponseEntity.status(201).contentType(MediaType.APPLICATION_JSON).body("{\"slow\":true}");
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
