package tech.onceonly.webguard;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.StreamUtils;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
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
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
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
	void storedResponsesOfEveryKindShouldReplayTheirBytesThroughTheServerOnSpringMvc() throws Exception {
		MockMvc mvc = mvc();
		byte[] atTheCap = new byte[(int) IdempotencyKeySettings.defaults().maxStoredBodyBytes()];
		for (int i = 0; i < atTheCap.length; i++) {
			atTheCap[i] = (byte) ((i % 64 == 63) ? '"' : 'a' + (i % 26));
		}
		Object[][] answers = { { "application/json", "{\"name\":\"Zo\u00eb \u20ac \ud83d\ude00\",\"q\":\"\\\"\"}" },
				{ "application/json", new byte[] { '{', (byte) 0xC3, '}' } },
				{ "text/plain; charset=ISO-8859-1", new byte[] { 'c', 'a', 'f', (byte) 0xE9 } },
				{ "image/png", new byte[] { (byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xFF } },
				{ "text/plain", "line\r\n\ttab nul\u0000 end" }, { "application/json", "" },
				{ "application/problem+json", atTheCap } };
		for (Object[] answer : answers) {
			byte[] body = (answer[1] instanceof String text) ? text.getBytes(StandardCharsets.UTF_8)
					: (byte[]) answer[1];
			String key = "\"" + UUID.randomUUID() + "\"";
			MockHttpServletResponse first = mvc
				.perform(post("/answers").header("Idempotency-Key", key)
					.header("X-Answer-Type", answer[0])
					.contentType(MediaType.APPLICATION_OCTET_STREAM)
					.content(body))
				.andReturn()
				.getResponse();
			MockHttpServletResponse replay = mvc
				.perform(post("/answers").header("Idempotency-Key", key)
					.header("X-Answer-Type", answer[0])
					.contentType(MediaType.APPLICATION_OCTET_STREAM)
					.content(body))
				.andReturn()
				.getResponse();
			assertThat(first.getContentAsByteArray()).as("%s", answer[0]).isEqualTo(body);
			assertThat(replay.getHeader("Idempotent-Replayed")).as("%s", answer[0]).isEqualTo("true");
			assertThat(replay.getStatus()).isEqualTo(first.getStatus());
			assertThat(replay.getHeaders("Content-Type")).isEqualTo(first.getHeaders("Content-Type"));
			assertThat(replay.getContentAsByteArray()).as("%s", answer[0]).isEqualTo(body);
		}
		assertThat(this.gate.answers.get()).isEqualTo(answers.length);
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

	@Test
	void cancelledWebFluxWebhookShouldFinishOnceAndBeADuplicateAfterwards() throws Exception {
		Detachable detachable = new Detachable();
		try (AnnotationConfigApplicationContext context = ReactiveWebClients.context(this.remote,
				WebhookVerification.none(), detachable)) {
			HttpHandler app = ReactiveWebClients.httpHandler(context);
			String id = "d-" + UUID.randomUUID();
			Supplier<MockServerHttpRequest> delivery = () -> MockServerHttpRequest.post("/hooks/detachable")
				.header("X-GitHub-Delivery", id)
				.build();
			// the client disconnects: WebFlux cancels the exchange's subscription
			Disposable first = app.handle(delivery.get(), new MockServerHttpResponse()).subscribe();
			assertThat(detachable.hookStarted.await(30, TimeUnit.SECONDS)).isTrue();
			first.dispose();
			MockServerHttpResponse copy = new MockServerHttpResponse();
			app.handle(delivery.get(), copy).block(Duration.ofSeconds(60));
			assertThat(copy.getStatusCode().value()).isEqualTo(409);
			assertThat(serverStatus("webhook:github:" + id)).isNotEqualTo("completed");
			detachable.hookRelease.tryEmitValue("done");
			Polling.await("the detached delivery to complete on the server", Duration.ofSeconds(30),
					() -> "completed".equals(serverStatus("webhook:github:" + id)));
			MockServerHttpResponse redelivery = new MockServerHttpResponse();
			app.handle(delivery.get(), redelivery).block(Duration.ofSeconds(60));
			assertThat(redelivery.getStatusCode().value()).isEqualTo(200);
			assertThat(redelivery.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
			assertThat(redelivery.getBodyAsString().block(Duration.ofSeconds(10))).contains("duplicate");
			assertThat(detachable.hooks.get()).isEqualTo(1);
			assertThat(this.store.calls(FaultyStore.Op.CANCEL_LEASE, "webhook:github:" + id)).isZero();
		}
	}

	@Test
	void cancelledWebFluxIdempotencyKeyRequestShouldFinishOnceAndReplay() throws Exception {
		Detachable detachable = new Detachable();
		try (AnnotationConfigApplicationContext context = ReactiveWebClients.context(this.remote,
				WebhookVerification.none(), detachable)) {
			HttpHandler app = ReactiveWebClients.httpHandler(context);
			String key = "\"" + UUID.randomUUID() + "\"";
			Supplier<MockServerHttpRequest> request = () -> MockServerHttpRequest.post("/detachable-transfers")
				.header("Idempotency-Key", key)
				.contentType(MediaType.APPLICATION_JSON)
				.body("{\"to\":\"acct_1\"}");
			int completionsBefore = idempotencyKeyCalls(FaultyStore.Op.COMPLETE_LEASE);
			Disposable first = app.handle(request.get(), new MockServerHttpResponse()).subscribe();
			assertThat(detachable.transferStarted.await(30, TimeUnit.SECONDS)).isTrue();
			first.dispose();
			MockServerHttpResponse copy = new MockServerHttpResponse();
			app.handle(request.get(), copy).block(Duration.ofSeconds(60));
			assertThat(copy.getStatusCode().value()).isEqualTo(409);
			assertThat(copy.getHeaders().getFirst("Retry-After")).isNotNull();
			detachable.transferRelease.tryEmitValue("released");
			// the server completes the key although nobody waits for the answer
			Polling.await("the detached request to complete on the server", Duration.ofSeconds(30),
					() -> idempotencyKeyCalls(FaultyStore.Op.COMPLETE_LEASE) > completionsBefore);
			MockServerHttpResponse replay = new MockServerHttpResponse();
			app.handle(request.get(), replay).block(Duration.ofSeconds(60));
			assertThat(replay.getStatusCode().value()).isEqualTo(201);
			assertThat(replay.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
			assertThat(replay.getBodyAsString().block(Duration.ofSeconds(10))).isEqualTo("{\"transfer\":1}");
			assertThat(detachable.transfers.get()).isEqualTo(1);
			assertThat(idempotencyKeyCalls(FaultyStore.Op.CANCEL_LEASE)).isZero();
		}
	}

	@Test
	void clientThatClosesItsSocketShouldNotCancelTheRequestOrDeliveryOnWebFluxOverNetty() throws Exception {
		Detachable detachable = new Detachable();
		try (AnnotationConfigApplicationContext context = ReactiveWebClients.context(this.remote,
				WebhookVerification.none(), detachable)) {
			DisposableServer netty = HttpServer.create()
				.host("localhost")
				.port(0)
				.handle(new ReactorHttpHandlerAdapter(ReactiveWebClients.httpHandler(context)))
				.bindNow(Duration.ofSeconds(30));
			try {
				HttpClient http = HttpClient.newHttpClient();
				String key = "\"" + UUID.randomUUID() + "\"";
				String body = "{\"to\":\"acct_1\"}";
				Supplier<HttpResponse<String>> transfer = () -> send(http,
						HttpRequest.newBuilder(URI.create("http://localhost:" + netty.port() + "/detachable-transfers"))
							.header("Idempotency-Key", key)
							.header("Content-Type", "application/json")
							.POST(HttpRequest.BodyPublishers.ofString(body)));
				int completionsBefore = idempotencyKeyCalls(FaultyStore.Op.COMPLETE_LEASE);
				try (Socket client = new Socket("localhost", netty.port())) {
					OutputStream out = client.getOutputStream();
					out.write(("POST /detachable-transfers HTTP/1.1\r\nHost: localhost\r\nIdempotency-Key: " + key
							+ "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
							+ body)
						.getBytes(StandardCharsets.UTF_8));
					out.flush();
					assertThat(detachable.transferStarted.await(30, TimeUnit.SECONDS)).as("handler started").isTrue();
				}
				// the client is gone; the handler's answer is still awaited
				HttpResponse<String> meanwhile = transfer.get();
				assertThat(meanwhile.statusCode()).as(meanwhile.body()).isEqualTo(409);
				detachable.transferRelease.tryEmitValue("released");
				Polling.await("the abandoned request to complete on the server", Duration.ofSeconds(30),
						() -> idempotencyKeyCalls(FaultyStore.Op.COMPLETE_LEASE) > completionsBefore);
				HttpResponse<String> replay = transfer.get();
				assertThat(replay.statusCode()).as(replay.body()).isEqualTo(201);
				assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
				assertThat(replay.body()).isEqualTo("{\"transfer\":1}");
				assertThat(detachable.transfers.get()).isEqualTo(1);
				assertThat(idempotencyKeyCalls(FaultyStore.Op.CANCEL_LEASE)).isZero();

				// a webhook delivery whose provider hangs up the same way
				String id = "d-" + UUID.randomUUID();
				String event = "{\"action\":\"opened\"}";
				Supplier<HttpResponse<String>> redeliver = () -> send(http,
						HttpRequest.newBuilder(URI.create("http://localhost:" + netty.port() + "/hooks/detachable"))
							.header("X-GitHub-Delivery", id)
							.header("Content-Type", "application/json")
							.POST(HttpRequest.BodyPublishers.ofString(event)));
				try (Socket provider = new Socket("localhost", netty.port())) {
					OutputStream out = provider.getOutputStream();
					out.write(("POST /hooks/detachable HTTP/1.1\r\nHost: localhost\r\nX-GitHub-Delivery: " + id
							+ "\r\nContent-Type: application/json\r\nContent-Length: " + event.length() + "\r\n\r\n"
							+ event)
						.getBytes(StandardCharsets.UTF_8));
					out.flush();
					assertThat(detachable.hookStarted.await(30, TimeUnit.SECONDS)).as("webhook started").isTrue();
				}
				HttpResponse<String> copy = redeliver.get();
				assertThat(copy.statusCode()).as(copy.body()).isEqualTo(409);
				detachable.hookRelease.tryEmitValue("done");
				Polling.await("the abandoned delivery to complete on the server", Duration.ofSeconds(30),
						() -> "completed".equals(serverStatus("webhook:github:" + id)));
				HttpResponse<String> redelivery = redeliver.get();
				assertThat(redelivery.statusCode()).as(redelivery.body()).isEqualTo(200);
				assertThat(redelivery.body()).contains("duplicate");
				assertThat(detachable.hooks.get()).isEqualTo(1);
				assertThat(this.store.calls(FaultyStore.Op.CANCEL_LEASE, "webhook:github:" + id)).isZero();
			}
			finally {
				netty.disposeNow(Duration.ofSeconds(30));
			}
		}
	}

	private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request) {
		try {
			return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void idempotencyKeyOnAnUnguardedEndpointShouldNeverReachTheServerOnSpringMvc() throws Exception {
		MockMvc mvc = mvc();
		Map<FaultyStore.Op, Integer> before = serverCalls();
		for (int i = 0; i < 3; i++) {
			mvc.perform(post("/echo").header("Idempotency-Key", "\"unguarded-mvc\"")
				.contentType(MediaType.TEXT_PLAIN)
				.content("hello " + i))
				.andExpect(status().isOk())
				.andExpect(header().doesNotExist("Idempotent-Replayed"))
				.andExpect(content().string("hello " + i));
		}
		assertThat(this.gate.echoes).containsExactly("hello 0", "hello 1", "hello 2");
		// the handler's flush reached the client before it returned: nothing buffered it
		assertThat(this.gate.committedBeforeReturn).containsExactly(true, true, true);
		assertThat(serverCalls()).isEqualTo(before);
	}

	@Test
	void idempotencyKeyOnAnUnguardedEndpointShouldNeverReachTheServerOnWebFlux() throws Exception {
		Detachable detachable = new Detachable();
		WebTestClient client = ReactiveWebClients.client(this.remote, WebhookVerification.none(), detachable)
			.mutate()
			.responseTimeout(Duration.ofSeconds(60))
			.build();
		Map<FaultyStore.Op, Integer> before = serverCalls();
		for (int i = 0; i < 3; i++) {
			client.post()
				.uri("/echo")
				.header("Idempotency-Key", "\"unguarded-webflux\"")
				.contentType(MediaType.TEXT_PLAIN)
				.bodyValue("hello " + i)
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.doesNotExist("Idempotent-Replayed")
				.expectBody(String.class)
				.isEqualTo("hello " + i);
		}
		assertThat(detachable.echoes.get()).isEqualTo(3);
		assertThat(serverCalls()).isEqualTo(before);
	}

	/** Calls the server's store received for Idempotency-Key keys, per operation. */
	private Map<FaultyStore.Op, Integer> serverCalls() {
		Map<FaultyStore.Op, Integer> calls = new java.util.EnumMap<>(FaultyStore.Op.class);
		for (FaultyStore.Op op : FaultyStore.Op.values()) {
			calls.put(op, idempotencyKeyCalls(op));
		}
		return calls;
	}

	private int idempotencyKeyCalls(FaultyStore.Op op) {
		return (int) this.store.callsOf(op, "")
			.stream()
			.filter((call) -> call.key() != null && call.key().startsWith("t:contract:idempotency-key:"))
			.count();
	}

	/**
	 * WebFlux handlers whose answer waits for a sink the test completes: nothing blocks
	 * the event loop that also carries the remote client's answers.
	 */
	@RestController
	static class Detachable {

		final CountDownLatch hookStarted = new CountDownLatch(1);

		final Sinks.One<String> hookRelease = Sinks.one();

		final AtomicInteger hooks = new AtomicInteger();

		final CountDownLatch transferStarted = new CountDownLatch(1);

		final Sinks.One<String> transferRelease = Sinks.one();

		final AtomicInteger transfers = new AtomicInteger();

		final AtomicInteger echoes = new AtomicInteger();

		@PostMapping("/hooks/detachable")
		@IdempotentWebhook(provider = WebhookProvider.GITHUB)
		Mono<String> hook() {
			this.hooks.incrementAndGet();
			this.hookStarted.countDown();
			return this.hookRelease.asMono();
		}

		@PostMapping("/detachable-transfers")
		@IdempotencyKey
		Mono<ResponseEntity<String>> transfer(@RequestBody String body) {
			int n = this.transfers.incrementAndGet();
			this.transferStarted.countDown();
			return this.transferRelease.asMono()
				.map((released) -> ResponseEntity.status(201)
					.contentType(MediaType.APPLICATION_JSON)
					.body("{\"transfer\":" + n + "}"));
		}

		@PostMapping("/echo")
		Flux<String> echo(@RequestBody String body) {
			this.echoes.incrementAndGet();
			return Flux.just(body);
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

		final List<String> echoes = new java.util.concurrent.CopyOnWriteArrayList<>();

		final List<Boolean> committedBeforeReturn = new java.util.concurrent.CopyOnWriteArrayList<>();

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

		@PostMapping("/echo")
		void echo(HttpServletRequest request, HttpServletResponse response) throws IOException {
			String body = StreamUtils.copyToString(request.getInputStream(), StandardCharsets.UTF_8);
			this.echoes.add(body);
			response.setContentType("text/plain");
			response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
			response.flushBuffer();
			this.committedBeforeReturn.add(response.isCommitted());
		}

		final AtomicInteger answers = new AtomicInteger();

		/** Answers 201 with the content type the request names and the request's body. */
		@PostMapping("/answers")
		@IdempotencyKey
		ResponseEntity<byte[]> answer(@RequestBody(required = false) byte[] body,
				@org.springframework.web.bind.annotation.RequestHeader("X-Answer-Type") String type) {
			this.answers.incrementAndGet();
			return ResponseEntity.status(201).header("Content-Type", type).body((body != null) ? body : new byte[0]);
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
