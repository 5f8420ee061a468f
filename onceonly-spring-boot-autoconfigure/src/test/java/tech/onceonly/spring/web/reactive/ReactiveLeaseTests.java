package tech.onceonly.spring.web.reactive;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.annotation.IdempotencyKey;
import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.annotation.WebhookProvider;
import tech.onceonly.spring.web.Polling;
import tech.onceonly.spring.web.RecordedLeaseEvents;
import tech.onceonly.spring.web.ScriptedStore;
import tech.onceonly.spring.web.idempotency.IdempotencyKeyRules;
import tech.onceonly.spring.web.idempotency.IdempotencyKeySettings;
import tech.onceonly.spring.web.webhook.WebhookSettings;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The leases of both WebFlux filters under faults: a client that disconnects does not
 * release the key (the handler's work runs to its end and its outcome is recorded), and a
 * handler slower than the lease keeps it by heartbeats. Leases are one second long and
 * the store's clock is moved by the test.
 */
class ReactiveLeaseTests {

	private static final Duration TICK = Duration.ofSeconds(5);

	private static final Duration ANSWER = Duration.ofSeconds(5);

	private final MutableClock clock = MutableClock.startingAt2026();

	private final ScriptedStore store = new ScriptedStore(new InMemoryStore(this.clock));

	private final LocalOnceOnly onceOnly = new LocalOnceOnly(this.store);

	private final RecordedLeaseEvents events = new RecordedLeaseEvents();

	private final Handlers handlers = new Handlers();

	private final AnnotationConfigApplicationContext context = ReactiveWebTestSupport.context(this.onceOnly,
			WebhookSettings.defaults(), IdempotencyKeySettings.defaults(), ObservationRegistry.NOOP, this.events,
			this.handlers, new ShortCircuit());

	private final HttpHandler app = ReactiveWebTestSupport.httpHandler(this.context);

	@AfterEach
	void tearDown() {
		this.handlers.release.tryEmitValue("late");
		this.context.close();
		this.onceOnly.close();
	}

	private static MockServerHttpRequest payment(String key) {
		return MockServerHttpRequest.post("/payments").header("Idempotency-Key", "\"" + key + "\"").build();
	}

	private static MockServerHttpRequest delivery(String id) {
		return MockServerHttpRequest.post("/webhooks/github").header("X-GitHub-Delivery", id).build();
	}

	private static String paymentKey(String key) {
		return new IdempotencyKeyRules(IdempotencyKeySettings.defaults()).storageKey("anonymous", "POST", "/payments",
				key);
	}

	private Disposable start(MockServerHttpRequest request, MockServerHttpResponse response)
			throws InterruptedException {
		Disposable first = this.app.handle(request, response).subscribe();
		assertThat(this.handlers.started.await(10, TimeUnit.SECONDS)).isTrue();
		return first;
	}

	private MockServerHttpResponse send(MockServerHttpRequest request) {
		MockServerHttpResponse response = new MockServerHttpResponse();
		this.app.handle(request, response).block(ANSWER);
		return response;
	}

	private String status(String key) {
		return this.onceOnly.ai().status(key).status();
	}

	private void passTheTtlSeveralTimes() {
		for (int i = 0; i < 4; i++) {
			this.clock.advance(Duration.ofMillis(700));
			Instant moved = this.clock.instant();
			Polling.await("a heartbeat after the clock moved", TICK, () -> this.store.extendedSince(moved));
		}
	}

	@Test
	void idempotencyKeyClientDisconnectShouldKeepTheKeyAndRecordTheResponseWhenTheHandlerEnds() throws Exception {
		start(payment("k-gone"), new MockServerHttpResponse()).dispose();
		assertThat(send(payment("k-gone")).getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(this.store.cancels()).isZero();
		this.handlers.release.tryEmitValue("done");
		Polling.await("the detached handler's response to be stored", ANSWER,
				() -> status(paymentKey("k-gone")).equals("completed"));
		MockServerHttpResponse replay = send(payment("k-gone"));
		assertThat(replay.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(replay.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
		assertThat(replay.getBodyAsString().block(ANSWER)).isEqualTo("{\"charge\":1}");
		assertThat(this.handlers.runs.get()).isEqualTo(1);
	}

	@Test
	void idempotencyKeyHandlerFailingAfterTheClientLeftShouldReleaseTheKey() throws Exception {
		start(payment("k-fail"), new MockServerHttpResponse()).dispose();
		assertThat(send(payment("k-fail")).getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		this.handlers.release.tryEmitError(new IllegalStateException("gateway down"));
		Polling.await("the key to be released", ANSWER, () -> this.store.cancels() == 1);
		assertThat(status(paymentKey("k-fail"))).isNotEqualTo("in_progress").isNotEqualTo("completed");
	}

	@Test
	void idempotencyKeySlowHandlerShouldKeepItsLeaseWhileTheStoreClockPassesTheTtl() throws Exception {
		MockServerHttpResponse first = new MockServerHttpResponse();
		start(payment("k-slow"), first);
		passTheTtlSeveralTimes();
		assertThat(send(payment("k-slow")).getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		this.handlers.release.tryEmitValue("done");
		Polling.await("the response to be stored", ANSWER, () -> status(paymentKey("k-slow")).equals("completed"));
		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(this.handlers.runs.get()).isEqualTo(1);
		assertThat(this.events.events()).isEmpty();
	}

	@Test
	void webhookClientDisconnectShouldKeepTheDeliveryAndCompleteItWhenTheHandlerEnds() throws Exception {
		start(delivery("d-gone"), new MockServerHttpResponse()).dispose();
		assertThat(send(delivery("d-gone")).getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(this.store.cancels()).isZero();
		this.handlers.release.tryEmitValue("done");
		Polling.await("the detached delivery to be completed", ANSWER,
				() -> status("webhook:github:d-gone").equals("completed"));
		MockServerHttpResponse duplicate = send(delivery("d-gone"));
		assertThat(duplicate.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(duplicate.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
		assertThat(this.handlers.runs.get()).isEqualTo(1);
	}

	@Test
	void webhookSlowHandlerShouldKeepItsLeaseWhileTheStoreClockPassesTheTtl() throws Exception {
		MockServerHttpResponse first = new MockServerHttpResponse();
		start(delivery("d-slow"), first);
		passTheTtlSeveralTimes();
		assertThat(send(delivery("d-slow")).getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		this.handlers.release.tryEmitValue("done");
		Polling.await("the delivery to be completed", ANSWER,
				() -> status("webhook:github:d-slow").equals("completed"));
		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(this.handlers.runs.get()).isEqualTo(1);
		assertThat(this.events.events()).isEmpty();
	}

	@Test
	void webhookCompletionThatFailsShouldBeRetried() {
		this.store.failCompletions(2);
		this.handlers.release.tryEmitValue("done");
		assertThat(send(delivery("d-retry")).getStatusCode()).isEqualTo(HttpStatus.OK);
		Polling.await("the delivery to be completed", ANSWER,
				() -> status("webhook:github:d-retry").equals("completed"));
		assertThat(this.events.events()).containsExactly("completionRetried:webhook", "completionRetried:webhook");
		assertThat(this.store.cancels()).isZero();
	}

	@Test
	void idempotencyKeyResponseThatCannotBeStoredShouldBeSentAsItIsAndTheKeyKept() {
		this.store.failAllCompletions();
		this.handlers.release.tryEmitValue("done");
		MockServerHttpResponse first = send(payment("k-unknown"));
		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(first.getBodyAsString().block(ANSWER)).isEqualTo("{\"charge\":1}");
		assertThat(this.events.events()).last().isEqualTo("outcomeUnknown:idempotency_key");
		assertThat(this.store.cancels()).isZero();
		assertThat(send(payment("k-unknown")).getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(this.handlers.runs.get()).isEqualTo(1);
	}

	@Test
	void laterWebFilterThatAnswers200WithoutTheHandlerShouldReleaseTheKeyAndTheDelivery() {
		this.handlers.release.tryEmitValue("done");
		MockServerHttpRequest blockedPayment = MockServerHttpRequest.post("/payments")
			.header("Idempotency-Key", "\"k-short\"")
			.header("X-Block", "yes")
			.build();
		assertThat(send(blockedPayment).getStatusCode()).isEqualTo(HttpStatus.OK);
		MockServerHttpRequest blockedDelivery = MockServerHttpRequest.post("/webhooks/github")
			.header("X-GitHub-Delivery", "d-short")
			.header("X-Block", "yes")
			.build();
		assertThat(send(blockedDelivery).getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(this.handlers.runs.get()).isZero();
		MockServerHttpResponse payment = send(payment("k-short"));
		assertThat(payment.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(payment.getHeaders().getFirst("Idempotent-Replayed")).isNull();
		MockServerHttpResponse delivery = send(delivery("d-short"));
		assertThat(delivery.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(delivery.getHeaders().getFirst("Idempotent-Replayed")).isNull();
		assertThat(this.handlers.runs.get()).isEqualTo(2);
	}

	/**
	 * A filter after the OnceOnly ones that answers 200 itself, without the handler, when
	 * the request has {@code X-Block}.
	 */
	static class ShortCircuit implements WebFilter, Ordered {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			if (exchange.getRequest().getHeaders().getFirst("X-Block") == null) {
				return chain.filter(exchange);
			}
			exchange.getResponse().setStatusCode(HttpStatus.OK);
			return exchange.getResponse().setComplete();
		}

		@Override
		public int getOrder() {
			return 0;
		}

	}

	@RestController
	static class Handlers {

		final AtomicInteger runs = new AtomicInteger();

		final CountDownLatch started = new CountDownLatch(1);

		final Sinks.One<String> release = Sinks.one();

		@PostMapping("/payments")
		@IdempotencyKey(leaseTtlSeconds = 1)
		Mono<ResponseEntity<Map<String, Object>>> pay() {
			int charge = this.runs.incrementAndGet();
			this.started.countDown();
			return this.release.asMono().map((done) -> ResponseEntity.status(201).body(Map.of("charge", charge)));
		}

		@PostMapping("/webhooks/github")
		@IdempotentWebhook(provider = WebhookProvider.GITHUB, leaseTtlSeconds = 1)
		Mono<ResponseEntity<String>> delivery() {
			this.runs.incrementAndGet();
			this.started.countDown();
			return this.release.asMono().map(ResponseEntity::ok);
		}

	}

}
